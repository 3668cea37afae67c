// Screenshots of the work list, a ticket, the dashboard and the audit view in English, Chinese
// and Korean (the console's "Language" switch) on a seeded desk, into
// $BUILD_DIR/screenshots/<view>-<lang>.png; with SD_UPDATE_SCREENSHOTS=1 they are also copied
// to docs/screenshots/.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { BUILD_DIR, SOURCE_DIR, launchChromium, requirements, setLanguage, startDesk }
  from './harness.mjs';

const OUT = path.join(BUILD_DIR, 'screenshots');
const DOCS = path.join(SOURCE_DIR, 'docs', 'screenshots');
const SEED = [
  { subject: '提现一直在审核中', body: '0.35 ETH 提现已经 20 个小时还在审核，请帮忙查看',
    email: 'wang.wei@example.com', name: '王伟', priority: 'P1', category: 'withdrawal' },
  { subject: '입금이 반영되지 않았어요', body: 'USDT 입금이 3시간째 계정에 들어오지 않습니다',
    email: 'minji.kim@example.com', name: '김민지', priority: 'P2', category: 'deposit' },
  { subject: 'Withdrawal pending for 20 hours', body: 'My 0.35 ETH withdrawal is still pending',
    email: 'sam.taylor@example.com', name: 'Sam Taylor', priority: 'P1' },
  { subject: '账户被冻结了怎么办', body: '登录后显示账户已冻结，无法交易', email: 'li.na@example.com',
    name: '李娜', priority: 'P2' },
  { subject: '2단계 인증을 재설정하고 싶어요', body: '휴대폰을 바꿔서 OTP 코드를 받을 수 없습니다',
    email: 'jiho.park@example.com', name: '박지호', priority: 'P3' },
  { subject: 'Question about trading fees', body: 'What is the maker fee for VIP 1?',
    email: 'alex.morgan@example.com', name: 'Alex Morgan', priority: 'P4' },
];
const LANGS = ['en', 'zh', 'ko'];

describe('console screenshots', () => {
  let desk;
  let browser;
  let context;
  let page;
  let user;
  const ids = [];

  before(async () => {
    const missing = requirements();
    assert.deepEqual(missing, [], `browser tests cannot run, missing: ${missing.join(', ')}`);
    mkdirSync(OUT, { recursive: true });
    desk = await startDesk();
    user = await desk.addUser('mei', ['agent', 'supervisor', 'compliance']);
    for (const t of SEED) ids.push(await desk.createTicket(t));
    // some history: a claimed ticket with a reply, one resolved
    await desk.sealctl('ticket', 'comment', String(ids[0]), '--body', '我们正在核实链上状态');
    await desk.sealctl('ticket', 'status', String(ids[5]), '--to', 'resolved');
    browser = await launchChromium();
    context = await desk.newContext(browser, { viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    await desk.login(page, user);
  });

  after(async () => {
    await context?.close();
    await browser?.close();
    await desk?.stop();
  });

  const views = {
    'work-list': async () => {
      await page.goto(`${desk.origin}/#/tickets`);
      await page.getByText(SEED[0].subject).first().waitFor();
      await page.getByText(SEED[1].subject).first().waitFor();
    },
    ticket: async () => {
      await page.goto(`${desk.origin}/#/ticket/${ids[0]}`);
      await page.getByText(SEED[0].subject).first().waitFor();
    },
    dashboard: async () => {
      await page.goto(`${desk.origin}/#/dashboard`);
      await page.getByRole('heading').first().waitFor();
    },
    audit: async () => {
      await page.goto(`${desk.origin}/#/audit`);
      await page.getByRole('heading').first().waitFor();
      // the entries, when the view lists some without a search first
      await page.getByRole('row').nth(1).waitFor({ timeout: 5000 }).catch(() => {});
    },
  };

  for (const lang of LANGS) {
    test(`views in ${lang}`, async () => {
      await page.goto(`${desk.origin}/#/tickets`);
      await page.getByRole('navigation').first().waitFor();
      await setLanguage(page, lang);
      for (const [view, show] of Object.entries(views)) {
        await show();
        await page.waitForLoadState('networkidle');
        if (view === 'work-list') {
          // the switch really changed the words on the page
          const en = await page.getByRole('button', { name: 'Claim next' }).count();
          assert.equal(en, lang === 'en' ? 1 : 0, `"Claim next" in ${lang}`);
        }
        const file = path.join(OUT, `${view}-${lang}.png`);
        await page.screenshot({ path: file, fullPage: true });
        assert.ok(statSync(file).size > 5000, `${file} is a real picture`);
        if (process.env.SD_UPDATE_SCREENSHOTS === '1') {
          mkdirSync(DOCS, { recursive: true });
          copyFileSync(file, path.join(DOCS, `${view}-${lang}.png`));
        }
      }
    });
  }
});
