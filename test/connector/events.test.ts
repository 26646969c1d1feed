import type { StandardBusinessDocument } from 'eformidling';
import {
  incomingNotification,
  isIncomingNotification,
  isNotificationEvent,
  isStatusNotification,
  routingWord,
  statusNotification,
} from 'eformidling/rabbitmq';
import { describe, expect, it } from 'vitest';
import { routingKeyFor } from '../../src/connector/events.js';
import { LEVERT_STATUS } from './fixtures.js';

const source = 'https://ip.kommune.no:9093';

const sbd = {
  standardBusinessDocumentHeader: {
    headerVersion: '1.0',
    sender: [{ identifier: { authority: 'iso6523-actorid-upis', value: '0192:910077473' } }],
    receiver: [{ identifier: { authority: 'iso6523-actorid-upis', value: '0192:910075918' } }],
    documentIdentification: {
      standard: 'urn:no:difi:arkivmelding:xsd::arkivmelding',
      typeVersion: '2.0',
      instanceIdentifier: 'ff88849c-e281-4809-8555-7cd54952b916',
      type: 'arkivmelding',
      creationDateAndTime: '2026-08-20T09:14:03+02:00',
    },
    businessScope: {
      scope: [
        {
          type: 'ConversationId',
          instanceIdentifier: '37efbd4c-413d-4e2c-bbc5-257ef4a65a45',
          identifier: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
        },
      ],
    },
  },
  arkivmelding: { sikkerhetsnivaa: 3, hoveddokument: 'secret.pdf' },
} as unknown as StandardBusinessDocument;

describe('notification contract', () => {
  it('maps a status to a thin CloudEvent with a deterministic id and a relative subject', () => {
    const event = statusNotification(
      LEVERT_STATUS,
      {
        direction: 'OUTGOING',
        serviceIdentifier: 'DPO',
        processIdentifier: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
        documentIdentifier: 'urn:no:difi:arkivmelding:xsd::arkivmelding',
      },
      { source },
    );
    expect(event).toEqual({
      specversion: '1.0',
      id: 'status-4630',
      type: 'no.eformidling.message.status',
      source,
      subject: '/api/statuses/5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90',
      time: '2026-08-20T09:31:02.25+02:00',
      datacontenttype: 'application/json',
      data: {
        messageId: '5c2f0d3e-8a41-4f7e-9b1a-3d6e2f4a7b90',
        conversationId: 'b4e9a1c2-0f6d-4c3b-8e27-91d5a6f3c0e1',
        status: 'LEVERT',
        statusId: 4630,
        direction: 'OUTGOING',
        serviceIdentifier: 'DPO',
        process: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
        documentType: 'arkivmelding',
      },
    });
    expect(isNotificationEvent(event)).toBe(true);
    expect(isStatusNotification(event)).toBe(true);
    expect(isIncomingNotification(event)).toBe(false);
    expect(routingKeyFor()(event)).toBe('eformidling.event.message.levert');
  });

  it('leaves unknown facts out and keeps the description of a failure', () => {
    const event = statusNotification(
      { id: 7, lastUpdate: '2026-08-20T10:02:11.4+02:00', status: 'FEIL', description: 'ArkivmeldingKvittering: ERROR', messageId: 'm1' },
      undefined,
      { source, typePrefix: 'no.kommune.efm' },
    );
    expect(event.type).toBe('no.kommune.efm.message.status');
    expect(event.data).toEqual({ messageId: 'm1', status: 'FEIL', statusId: 7, description: 'ArkivmeldingKvittering: ERROR' });
    expect(Object.keys(event.data)).not.toContain('direction');
    expect(routingKeyFor({ prefix: 'kommune.efm' })(event)).toBe('kommune.efm.message.feil');
  });

  it('maps an arrived message to an incoming event without any document content', () => {
    const event = incomingNotification(sbd, 'DPO', { source });
    expect(event).toEqual({
      specversion: '1.0',
      id: 'incoming-ff88849c-e281-4809-8555-7cd54952b916',
      type: 'no.eformidling.message.incoming',
      source,
      subject: '/api/messages/in/ff88849c-e281-4809-8555-7cd54952b916',
      time: '2026-08-20T09:14:03+02:00',
      datacontenttype: 'application/json',
      data: {
        messageId: 'ff88849c-e281-4809-8555-7cd54952b916',
        conversationId: '37efbd4c-413d-4e2c-bbc5-257ef4a65a45',
        direction: 'INCOMING',
        serviceIdentifier: 'DPO',
        process: 'urn:no:difi:profile:arkivmelding:administrasjon:ver1.0',
        documentType: 'arkivmelding',
      },
    });
    expect(JSON.stringify(event)).not.toContain('secret.pdf');
    expect(JSON.stringify(event)).not.toContain('910077473');
    expect(routingKeyFor()(event)).toBe('eformidling.event.incoming.arkivmelding');
    expect(isIncomingNotification(event)).toBe(true);
  });

  it('uses custom routing-key functions', () => {
    const keys = routingKeyFor({ status: (e) => `x.status.${e.data.statusId}`, incoming: (e) => `x.in.${e.data.serviceIdentifier}` });
    expect(keys(incomingNotification(sbd, 'DPO', { source }))).toBe('x.in.DPO');
    expect(
      keys(statusNotification({ id: 1, lastUpdate: '2026-01-01T00:00:00Z', status: 'SENDT', messageId: 'm' }, undefined, { source })),
    ).toBe('x.status.1');
  });

  it('makes every routing-key part one lower-case word', () => {
    expect(routingWord('INNKOMMENDE_MOTTATT')).toBe('innkommende_mottatt');
    expect(routingWord('a.b c')).toBe('a_b_c');
    expect(routingWord(undefined)).toBe('unknown');
    expect(routingWord('  ')).toBe('unknown');
  });

  it('recognises only CloudEvents from the bridge', () => {
    expect(isNotificationEvent(null)).toBe(false);
    expect(isNotificationEvent({ specversion: '0.3', id: 'x', type: 't', source: 's', data: { messageId: 'm' } })).toBe(false);
    expect(isNotificationEvent({ specversion: '1.0', id: 'x', type: 't', source: 's', data: {} })).toBe(false);
    expect(isNotificationEvent({ specversion: '1.0', id: 'x', type: 't', source: 's', data: { messageId: 'm' } })).toBe(true);
  });
});

describe('notification edge cases', () => {
  it('falls back to the detection time when the SBD has no creation time, and normalises date-only times', () => {
    const bare = structuredClone(sbd) as unknown as { standardBusinessDocumentHeader: { documentIdentification: Record<string, unknown> } };
    delete bare.standardBusinessDocumentHeader.documentIdentification.creationDateAndTime;
    const event = incomingNotification(bare as unknown as StandardBusinessDocument, undefined, {
      source,
      now: () => new Date('2026-08-20T10:00:00Z'),
    });
    expect(event.time).toBe('2026-08-20T10:00:00.000Z');
    expect(event.data).not.toHaveProperty('serviceIdentifier');
    const dated = statusNotification(
      { id: 1, lastUpdate: '2026-08-20', status: 'SENDT', messageId: 'm' },
      { documentIdentifier: '' },
      { source },
    );
    expect(dated.time).toBe('2026-08-20T00:00:00.000Z');
    expect(dated.data).not.toHaveProperty('documentType');
    const noType = statusNotification(
      { id: 3, lastUpdate: '2026-08-20', status: 'SENDT', messageId: 'm' },
      { documentIdentifier: 'urn:no:difi:' },
      { source },
    );
    expect(noType.data).not.toHaveProperty('documentType');
    // Without a clock in the context the detection time is the wall clock's.
    const detected = incomingNotification(bare as unknown as StandardBusinessDocument, undefined, { source });
    expect(Number.isNaN(Date.parse(detected.time))).toBe(false);
    const odd = statusNotification({ id: 2, lastUpdate: 'not a date', status: 'SENDT' }, undefined, { source });
    expect(odd.time).toBe('not a date');
    expect(odd.subject).toBe('/api/statuses/');
  });
});
