import { DEPARTEMENT, KOMMUNE } from 'eformidling/mock';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { services } from '../helpers/services.js';
import { messageRow, sendArkivmelding, useConsole } from './browser.js';

/** Presses Tab (Shift+Tab with `back`) until the focused element's text is `text` (at most `limit` times); fails when it never gets there. */
async function tabTo(page: Page, text: string, { back = false, limit = 60 } = {}): Promise<void> {
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(back ? 'Shift+Tab' : 'Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');
    if (focused === text) return;
  }
  throw new Error(`Tab never reached "${text}"`);
}

/** What has focus: its tag, text and whether the focus ring shows (a 2px+ outline). */
function focused(page: Page) {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const style = getComputedStyle(el);
    return {
      tag: el.tagName.toLowerCase(),
      text: el.textContent?.trim() ?? '',
      ring: style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2,
    };
  });
}

/** What has focus once the view the keyboard opened has moved the focus to its heading. */
async function focusedHeading(page: Page) {
  await page.waitForFunction(() => document.activeElement?.tagName === 'H2');
  return focused(page);
}

/** Controls without an accessible name, and text whose contrast with its background is below WCAG AA. */
function audit(page: Page) {
  return page.evaluate(() => {
    const unnamed: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('input, select, textarea, button, a[href]')) {
      const input = el as HTMLInputElement;
      const named =
        (input.labels?.length ?? 0) > 0 || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby') || el.textContent?.trim();
      if (!named) unnamed.push(el.outerHTML.slice(0, 80));
    }
    const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]: number[]) => {
      const f = (v: number) => {
        const s = v / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * f(r ?? 0) + 0.7152 * f(g ?? 0) + 0.0722 * f(b ?? 0);
    };
    const background = (el: Element | null): number[] => {
      for (let e = el; e; e = e.parentElement) {
        const c = rgb(getComputedStyle(e).backgroundColor);
        if (c.length === 3 || (c[3] ?? 0) > 0) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const low: string[] = [];
    for (const el of document.querySelectorAll<HTMLElement>('body *')) {
      const text = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent?.trim());
      if (!text || el.offsetParent === null || (el as HTMLButtonElement).disabled) continue;
      const style = getComputedStyle(el);
      const fg = luminance(rgb(style.color));
      const bg = luminance(background(el));
      const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
      const large =
        Number.parseFloat(style.fontSize) >= 24 || (Number.parseFloat(style.fontSize) >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) low.push(`${ratio.toFixed(2)}: ${el.tagName} "${el.textContent?.trim().slice(0, 40)}"`);
    }
    return { unnamed, low };
  });
}

describe.skipIf(!services().chromium)('simulator console: keyboard, labels, contrast, narrow window', () => {
  const ctx = useConsole();

  it('works with the keyboard alone: skip link, tabs, a message, an action, with a visible focus ring', async () => {
    const messageId = await sendArkivmelding(ctx.server, DEPARTEMENT, KOMMUNE, 'Tastatur');
    const page = await ctx.open('messages');
    await messageRow(page, DEPARTEMENT, 'out', messageId).waitFor();

    await page.keyboard.press('Tab');
    expect(await focused(page)).toEqual({ tag: 'a', text: 'Skip to content', ring: true });
    await tabTo(page, 'Network');
    expect((await focused(page)).ring).toBe(true);
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/network$/);
    expect(await focusedHeading(page)).toMatchObject({ tag: 'h2', text: 'Network' });

    await tabTo(page, 'Messages', { back: true });
    await page.keyboard.press('Enter');
    await page.waitForURL(/#\/messages$/);
    expect(await focusedHeading(page)).toMatchObject({ tag: 'h2', text: 'Messages' });
    await messageRow(page, DEPARTEMENT, 'out', messageId).waitFor();
    await tabTo(page, messageId);
    await page.keyboard.press('Enter');
    expect(await focusedHeading(page)).toMatchObject({ tag: 'h2', text: `Message ${messageId}` });
    await tabTo(page, 'Deliver now');
    expect((await focused(page)).ring).toBe(true);
    await page.keyboard.press('Enter');
    await page.getByRole('status').getByText('Delivered.').waitFor();

    // The skip link takes a keyboard user past the header and tabs, to the view's heading.
    await page.reload();
    await page.locator('main h2').waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    expect(await focusedHeading(page)).toMatchObject({ tag: 'h2', text: `Message ${messageId}` });
  });

  it('names every control and keeps text contrast at WCAG AA on every view', async () => {
    const messageId = await sendArkivmelding(ctx.server, DEPARTEMENT, KOMMUNE, 'Kontrast');
    const page = await ctx.open('messages');
    await messageRow(page, DEPARTEMENT, 'out', messageId).waitFor();
    const views = [
      ['network', 'Network'],
      ['compose', 'Compose a message'],
      ['faults', 'Faults'],
      ['requests', 'Requests'],
      ['webhooks', 'Webhooks'],
      [`messages/${DEPARTEMENT}/out/${messageId}`, `Message ${messageId}`],
      ['messages', 'Messages'],
    ];
    for (const [view, heading] of views) {
      await page.goto(`${ctx.url}#/${view}`);
      await page.getByRole('heading', { level: 2, name: heading, exact: true }).waitFor();
      await page.locator('main .loading').waitFor({ state: 'detached' });
      expect(await audit(page), view).toEqual({ unnamed: [], low: [] });
    }
  });

  it('fits a narrow window: no sideways scrolling, every tab reachable, actions usable', async () => {
    const messageId = await sendArkivmelding(ctx.server, DEPARTEMENT, KOMMUNE, 'Smal skjerm med en ganske lang tittel som må brytes');
    const page = await ctx.open('messages', { width: 375, height: 740 });
    await messageRow(page, DEPARTEMENT, 'out', messageId).waitFor();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(await overflow()).toBeLessThanOrEqual(0);
    for (const tab of ['Network', 'Compose', 'Faults', 'Requests', 'Webhooks']) {
      const link = page.getByRole('navigation').getByRole('link', { name: tab });
      expect(await link.isVisible(), tab).toBe(true);
      await link.click();
      await page.getByRole('heading', { level: 2, name: tab === 'Compose' ? 'Compose a message' : tab, exact: true }).waitFor();
      expect(await overflow(), tab).toBeLessThanOrEqual(0);
    }
    await page.goto(`${ctx.url}#/messages/${DEPARTEMENT}/out/${messageId}`);
    await page.getByRole('heading', { name: `Message ${messageId}` }).waitFor();
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.getByRole('button', { name: 'Deliver now' }).click();
    await page.getByRole('status').getByText('Delivered.').waitFor();
  });
});
