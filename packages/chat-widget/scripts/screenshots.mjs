// Screenshots of the widget on the demo site (/site/ of the reference server):
// docs/screenshots/widget-closed.png, widget-open-en.png, widget-open-nl.png.
// Run after a build: `npm run build && node packages/chat-widget/scripts/screenshots.mjs`.
import { mkdirSync } from 'node:fs';
import { demoAgent, launchChromium, newestChat, startDemoServer } from './harness.mjs';

const out = new URL('../../../docs/screenshots/', import.meta.url);
mkdirSync(out, { recursive: true });

const demo = await startDemoServer();
const browser = await launchChromium();
try {
  const agent = demoAgent(demo.server);

  async function conversationShot(locale, question, answer, file) {
    const context = await browser.newContext({ viewport: { width: 1100, height: 780 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${demo.server.url}/site/`);
    const launcher = page.getByRole('button', { name: /^(Open chat|Chat openen)/ });
    await launcher.waitFor();
    if (locale === 'en' && file === null) return { page, context };
    await page.evaluate((value) => window.Confab.setLocale(value), locale);
    await launcher.click();
    const field = page.getByRole('textbox', { name: locale === 'nl' ? 'Bericht' : 'Message' });
    await field.fill(question);
    await field.press('Enter');
    await page.waitForFunction(() => window.Confab.getState().then((state) => state.conversationId !== null));
    const conversation = newestChat(demo.server);
    await demo.server.backend.execute(
      { kind: 'agent', agentId: agent.id },
      { type: 'message.reply', conversationId: conversation.id, text: answer },
    );
    await page.getByText(answer, { exact: true }).waitFor();
    await page.waitForTimeout(300);
    await page.screenshot({ path: new URL(file, out).pathname });
    await context.close();
  }

  // Closed: the launcher on the page, nothing else.
  const { page, context } = await conversationShot('en', '', '', null);
  await page.waitForTimeout(500);
  await page.screenshot({ path: new URL('widget-closed.png', out).pathname });
  await context.close();

  await conversationShot(
    'en',
    'Hi! Do you ship to Belgium?',
    'We do: orders roasted on Tuesday arrive in Belgium by Friday.',
    'widget-open-en.png',
  );
  await conversationShot(
    'nl',
    'Hoi! Kan ik de Huila ook gemalen bestellen?',
    'Zeker: kies bij het bestellen je maalgraad, van espresso tot filter.',
    'widget-open-nl.png',
  );
  console.log(`screenshots written to ${out.pathname}`);
} finally {
  await browser.close();
  await demo.close();
}
