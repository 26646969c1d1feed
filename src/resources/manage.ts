import { z } from 'zod';
import type { RequestOptions } from '../transport/http.js';
import { readText } from '../transport/response.js';
import { Resource } from './resource.js';

const ComponentSchema = z.looseObject({ status: z.string().optional(), details: z.record(z.string(), z.unknown()).optional() });
const HealthSchema = z.looseObject({
  status: z.string(),
  components: z.record(z.string(), ComponentSchema).optional(),
});
const InfoSchema = z.record(z.string(), z.unknown());

/** Largest health body read (Spring lists every component's details). */
const MAX_HEALTH_BODY = 1024 * 1024;

/** One component of the IP's health (`db`, `diskSpace`, `activemq`…). @category Resources */
export interface HealthComponent {
  status?: string | undefined;
  details?: Record<string, unknown> | undefined;
}

/** The IP's health as `GET /manage/health` reports it. @category Resources */
export interface ManageHealth {
  /** `UP`, `DOWN`, `OUT_OF_SERVICE`…; `UNKNOWN` when the body could not be read as Spring's health JSON. */
  status: string;
  /** The components Spring reports (empty when it reports none). */
  components: Record<string, HealthComponent>;
  /** The HTTP status: 200, or 503 when the IP reports itself DOWN (Spring answers 503 with the same body). */
  httpStatus: number;
}

/**
 * `/manage`: the IP's Spring Boot Actuator endpoints (`management.endpoints` in the IP's application.properties),
 * for health checks and version reports. Gateways often close them.
 * @category Resources
 */
export class ManageResource extends Resource {
  /**
   * `GET /manage/health`. A 503 is not an error here: Spring answers it, with the same body, when the IP is DOWN.
   * @example
   * ```ts
   * const { status } = await ip.manage.health();
   * if (status !== 'UP') console.error('the integrasjonspunkt is', status);
   * ```
   */
  health(options: RequestOptions = {}): Promise<ManageHealth> {
    return this.transport.execute(
      { method: 'GET', path: '/manage/health', acceptStatus: [503] },
      async (res, ctx) => {
        const raw = await readText(res, ctx, MAX_HEALTH_BODY);
        const parsed = HealthSchema.safeParse(parseOrUndefined(raw));
        if (!parsed.success) return { status: res.status === 503 ? 'DOWN' : 'UNKNOWN', components: {}, httpStatus: res.status };
        return { status: parsed.data.status, components: parsed.data.components ?? {}, httpStatus: res.status };
      },
      options,
    );
  }

  /**
   * `GET /manage/info`: what the IP tells about its build (`build.version`, `git.commit.id`, when it was built with
   * them). Not retried: the endpoint is optional and often closed by a gateway.
   */
  info(options: RequestOptions = {}): Promise<Record<string, unknown>> {
    return this.transport.json({ method: 'GET', path: '/manage/info', retry: false }, InfoSchema, options);
  }
}

function parseOrUndefined(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
