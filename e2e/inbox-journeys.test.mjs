// Journeys of an agent in the inbox through the real server: email channels, compose, bulk actions.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { eventually, row, startJourney, view, viewCount } from './harness.mjs';

describe('agent journeys in the inbox', () => {
  let journey;
  before(async () => {
    journey = await startJourney('inbox');
  });
  after(async () => {
    await journey?.close();
  });

  it('V4/V10/T6 email lands in Email, role-address mail in Filtered, and spam filters only its own thread', async () => {
    const page = await journey.agent();
    const emailBefore = await viewCount(page, 'Email');
    await journey.ingest('email/inbound', {
      from: 'Jane Doe <jane.doe@customer.example>',
      to: 'support@confab.example',
      subject: 'Order 1234 arrived damaged',
      text: 'The box was crushed and the mug is broken.',
      messageId: '<order-1234@customer.example>',
    });
    await eventually(async () => assert.equal(await viewCount(page, 'Email'), emailBefore + 1), {
      what: 'the Email count to rise',
    });
    await view(page, 'Email').click();
    await row(page, 'Order 1234 arrived damaged').waitFor();

    const filteredBefore = await viewCount(page, 'Filtered');
    await journey.ingest('email/inbound', {
      from: 'marketing@promo.example',
      to: 'support@confab.example',
      subject: 'Spring sale: 40% off',
      text: 'Everything must go.',
      messageId: '<sale-1@promo.example>',
    });
    await eventually(async () => assert.equal(await viewCount(page, 'Filtered'), filteredBefore + 1), {
      what: 'role-address mail in Filtered',
    });
    assert.equal(await row(page, 'Spring sale').count(), 0, 'role-address mail is not in Email');
    await journey.shot(page, 'email-in-email-view');

    await row(page, 'Order 1234 arrived damaged').click();
    const thread = page.getByRole('region', { name: 'Conversation' });
    await thread.getByRole('button', { name: 'More' }).click();
    await page.getByRole('menuitem', { name: 'Mark as spam' }).click();
    await eventually(async () => assert.equal(await row(page, 'Order 1234 arrived damaged').count(), 0), {
      what: 'the spam thread to leave Email',
    });
    await view(page, 'Filtered').click();
    await row(page, 'Order 1234 arrived damaged').waitFor();
    await journey.shot(page, 'spam-in-filtered');

    // T6: only that thread. A new thread from the same sender still arrives in Email.
    await journey.ingest('email/inbound', {
      from: 'Jane Doe <jane.doe@customer.example>',
      to: 'support@confab.example',
      subject: 'Second order question',
      text: 'Unrelated: can I change my delivery address?',
      messageId: '<order-5678@customer.example>',
    });
    await view(page, 'Email').click();
    await row(page, 'Second order question').waitFor();
  });

  it('C1/V12 a composed email waits in Sent and moves to All and Unassigned when answered', async () => {
    const page = await journey.agent();
    await page.getByRole('button', { name: 'Compose' }).click();
    const dialog = page.getByRole('dialog', { name: 'New email' });
    await dialog.getByLabel('To').fill('lea.smit@prospect.example');
    await dialog.getByLabel('Subject').fill('Your trial is ready');
    await dialog.getByLabel('Message').fill('Hi Lea, your trial account is ready. Reply with any question.');
    await dialog.getByRole('button', { name: 'Send' }).click();
    await view(page, 'Sent').click();
    await row(page, 'Your trial is ready').waitFor();
    await journey.shot(page, 'compose-in-sent');
    await view(page, 'All conversations').click();
    assert.equal(await row(page, 'Your trial is ready').count(), 0, 'an unanswered email is not in All conversations');

    const sent = [...journey.server.backend.state.conversations.values()].find(
      (c) => c.subject === 'Your trial is ready',
    );
    assert.ok(sent?.sentOnly, 'the server keeps it as sent-only');
    const messageId = sent.emailMessageIds[0];
    await journey.ingest('email/inbound', {
      from: 'Lea Smit <lea.smit@prospect.example>',
      to: 'support@confab.example',
      subject: 'Re: Your trial is ready',
      text: 'Thanks! How do I invite my team?',
      messageId: '<reply-1@prospect.example>',
      inReplyTo: messageId,
    });
    await row(page, 'Your trial is ready').waitFor();
    await view(page, 'Unassigned').click();
    await row(page, 'Your trial is ready').waitFor();
    await view(page, 'Sent').click();
    await eventually(async () => assert.equal(await row(page, 'Your trial is ready').count(), 0), {
      what: 'it to leave Sent',
    });
    await journey.shot(page, 'compose-answered');
  });

  it('V11/L3 bulk close and bulk delete with undo, then restore and delete forever from Trash', async () => {
    const page = await journey.agent();
    for (const subject of ['Batch alpha', 'Batch beta']) {
      await journey.ingest('forms/submit', {
        formId: 'contact',
        fields: {
          name: `Sender of ${subject}`,
          email: `${subject.replace(' ', '.').toLowerCase()}@example.com`,
          subject,
          message: `${subject} body`,
        },
      });
    }
    await view(page, 'Forms').click();
    await row(page, 'Batch alpha').waitFor();
    await row(page, 'Batch beta').waitFor();
    const list = page.getByRole('listbox', { name: 'Conversations' });
    const select = async (text) => {
      await row(page, text).click();
      await list.focus();
      await page.keyboard.press('x');
      await eventually(async () => assert.equal(await row(page, text).getAttribute('aria-selected'), 'true'), {
        what: `${text} selected`,
      });
    };
    await select('Batch alpha');
    await select('Batch beta');
    const bulk = page.getByRole('group', { name: 'Bulk actions' });
    await bulk.getByRole('button', { name: 'Mark as closed' }).click();
    await eventually(
      async () => {
        const closed = [...journey.server.backend.state.conversations.values()].filter(
          (c) => c.subject.startsWith('Batch ') && c.status === 'closed',
        );
        assert.equal(closed.length, 2);
      },
      { what: 'both closed on the server' },
    );
    await page.getByRole('button', { name: 'Undo' }).click();
    await eventually(
      async () => {
        const open = [...journey.server.backend.state.conversations.values()].filter(
          (c) => c.subject.startsWith('Batch ') && c.status === 'open',
        );
        assert.equal(open.length, 2);
      },
      { what: 'undo to reopen both' },
    );
    await journey.shot(page, 'bulk-closed-undone');

    await select('Batch alpha');
    await select('Batch beta');
    await bulk.getByRole('button', { name: 'Delete' }).click();
    await eventually(async () => assert.equal(await row(page, 'Batch alpha').count(), 0), {
      what: 'deleted rows to leave Forms',
    });
    await view(page, 'Trash').click();
    await row(page, 'Batch alpha').waitFor();
    await row(page, 'Batch alpha').click();
    await page.getByRole('region', { name: 'Conversation' }).getByRole('button', { name: 'Restore' }).click();
    await eventually(async () => assert.equal(await row(page, 'Batch alpha').count(), 0), {
      what: 'restored row to leave Trash',
    });
    await row(page, 'Batch beta').click();
    await page.getByRole('region', { name: 'Conversation' }).getByRole('button', { name: 'Delete forever' }).click();
    const confirm = page.getByRole('dialog').or(page.getByRole('alertdialog'));
    if (await confirm.count()) await confirm.getByRole('button', { name: 'Delete forever' }).click();
    await eventually(
      async () => {
        const left = [...journey.server.backend.state.conversations.values()].filter((c) => c.subject === 'Batch beta');
        assert.equal(left.length, 0);
      },
      { what: 'Bulk two to be gone for good' },
    );
    await view(page, 'Forms').click();
    await row(page, 'Batch alpha').waitFor();
    await journey.shot(page, 'trash-restored');
  });

  it("issue 16: an agent answers with the demo team's canned response, filled in for the contact, from the keyboard", async () => {
    const page = await journey.agent();
    await journey.ingest('email/inbound', {
      from: 'Lena Smit <lena.smit@customer.example>',
      to: 'support@confab.example',
      subject: 'Prices for ten seats',
      text: 'What would ten seats cost us?',
      messageId: '<ten-seats@customer.example>',
    });
    await view(page, 'Email').click();
    await row(page, 'Prices for ten seats').click();
    const thread = page.getByRole('region', { name: 'Conversation' });
    const reply = thread.getByRole('textbox', { name: 'Reply' });
    await reply.focus();
    await page.keyboard.type('/hel');
    await thread
      .getByRole('listbox', { name: 'Canned responses' })
      .getByRole('option', { name: /Greeting/ })
      .waitFor();
    await page.keyboard.press('Enter');
    await page.keyboard.type(' ');
    await page.keyboard.type('/pricing');
    await page.keyboard.press('Enter');
    const text = await reply.inputValue();
    assert.match(
      text,
      /^Hi Lena Smit, thanks for reaching out! I'm \S[^{]* and I'll help you today\. Our plans start at €29/,
    );
    await journey.shot(page, 'canned-response-inserted');
    await page.keyboard.press('Control+Enter');
    await eventually(
      async () => {
        const sent = [...journey.server.backend.state.messages.values()]
          .flat()
          .filter((message) => message.kind === 'reply' && message.text === text);
        assert.equal(sent.length, 1);
      },
      { what: 'the reply with the canned text to be stored once' },
    );
  });

  it('issue 16: an admin adds a label, an agent applies it in bulk, and a saved label view fills live as a teammate labels a thread', async () => {
    const page = await journey.agent();
    await page.getByRole('button', { name: 'Settings' }).click();
    const settings = page.getByRole('dialog', { name: 'Inbox settings' });
    const newLabel = settings.getByRole('group', { name: 'New label' });
    await newLabel.getByRole('textbox', { name: 'Name' }).fill('Urgent');
    await newLabel.getByRole('button', { name: 'Add label' }).click();
    await eventually(
      async () => assert.ok(journey.server.backend.state.settings.labels?.some((label) => label.name === 'Urgent')),
      { what: 'the label stored' },
    );
    await page.keyboard.press('Escape');
    await settings.waitFor({ state: 'hidden' });
    const labelId = journey.server.backend.state.settings.labels.find((label) => label.name === 'Urgent').id;
    for (const n of [1, 2])
      await journey.ingest('email/inbound', {
        from: `Kim Jansen <kim${n}@customer.example>`,
        to: 'support@confab.example',
        subject: `Label journey ${n}`,
        text: 'Please call me back.',
        messageId: `<label-journey-${n}@customer.example>`,
      });
    await view(page, 'Email').click();
    // The check box shows on hover (L3).
    await row(page, 'Label journey 1').hover();
    await row(page, 'Label journey 1').locator('[part="checkbox"]').click();
    await page.getByRole('button', { name: 'Labels', exact: true }).first().click();
    await page.getByRole('menuitemcheckbox', { name: 'Urgent' }).click();
    const labelled = (subject) =>
      [...journey.server.backend.state.conversations.values()].find((c) => c.subject === subject)?.labelIds ?? [];
    await eventually(async () => assert.deepEqual(labelled('Label journey 1'), [labelId]), { what: 'labelled' });
    await row(page, 'Label journey 1').locator('.label-chip', { hasText: 'Urgent' }).waitFor();

    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await page.getByRole('group', { name: 'Label' }).getByRole('menuitemcheckbox', { name: 'Urgent' }).click();
    await page.keyboard.press('Escape');
    await eventually(async () => assert.equal(await row(page, 'Label journey 2').count(), 0), { what: 'filtered' });
    await page.getByRole('button', { name: 'Save as view' }).click();
    await page.getByRole('textbox', { name: 'View name' }).fill('Urgent mail');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByRole('button', { name: 'Clear all' }).click();
    await view(page, 'Urgent mail').click();
    await row(page, 'Label journey 1').waitFor();
    assert.equal(await row(page, 'Label journey 2').count(), 0);

    // A teammate labels the other thread from its Labels menu: it enters the saved view live.
    const ben = await journey.agent('agent-ben');
    await view(ben, 'Email').click();
    await row(ben, 'Label journey 2').click();
    const thread = ben.getByRole('region', { name: 'Conversation' });
    await thread.getByRole('button', { name: 'Labels' }).click();
    await thread.getByRole('menuitemcheckbox', { name: 'Urgent' }).click();
    await thread.getByText('Ben', { exact: false }).filter({ hasText: 'added the label Urgent' }).waitFor();
    await row(page, 'Label journey 2').waitFor();
    assert.equal(await viewCount(page, 'Urgent mail'), 2);
    await journey.shot(page, 'saved-label-view');
  });

  it('keeps every token out of URLs and referrers', () => {
    const leaks = journey.requests.filter(
      (request) => /token=|memory-\d|agentToken/i.test(request.url) || /token=/i.test(request.referrer),
    );
    assert.deepEqual(leaks, []);
    assert.deepEqual(journey.pageErrors, []);
  });
});
