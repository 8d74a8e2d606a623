import { html, nothing } from 'lit';
import { state } from 'lit/decorators.js';
import { LABEL_PALETTE, labelUseCount, teamLabels, type Label } from '@confab/core';
import { StoreController, shallowArrayEqual } from '@confab/element-kit';
import { ConfabElement } from '../shared/confab-element.js';
import { teamSettingsControllers } from '../shared/team-settings.js';
import { baseStyles } from '../shared/theme.js';
import { labelChip, labelChipStyles } from '../shared/label-chip.js';
import { labelSettingsCatalogFor, type LabelSettingsCatalog } from './label-settings-i18n.js';
import { labelSettingsStyles } from './label-settings.styles.js';

/** A colour input shows `#rrggbb` only. */
function sixDigits(color: string): string {
  return color.length === 4 ? `#${[...color.slice(1)].map((digit) => digit + digit).join('')}` : color;
}

/**
 * The team's labels in the settings (issue 16): admins add a label (a name and a colour, the
 * palette offered, any colour allowed since the chip's text colour is chosen against it), rename
 * or recolour one, and delete one after confirming, which takes it off every conversation. Everyone
 * else sees the labels. Refusals are worded in the inbox's language in an alert.
 *
 * @example
 * <confab-label-settings .client=${client}></confab-label-settings>
 *
 * @csspart form - The "New label" form (admins).
 * @csspart label - One label's row: its chip and its Edit and Delete controls.
 *
 * @tagname confab-label-settings
 */
export class ConfabLabelSettings extends ConfabElement {
  static override styles = [baseStyles, labelChipStyles, labelSettingsStyles];

  @state() private accessor editing: string | undefined;
  @state() private accessor confirming: string | undefined;
  @state() private accessor error = '';
  @state() private accessor status = '';

  private readonly team = teamSettingsControllers(this);
  private readonly labels = new StoreController(
    this,
    () => this.client?.store.revision,
    () => this.client!.store.read(teamLabels),
    shallowArrayEqual<Label>,
  );

  private get lt(): LabelSettingsCatalog {
    return labelSettingsCatalogFor(this.resolvedLocale);
  }

  override render() {
    const t = this.lt;
    const labels = this.labels.value ?? [];
    const admin = this.team.mayChange.value ?? false;
    return html`<section aria-labelledby="labels-title">
      <h3 id="labels-title">${t.title}</h3>
      <p class="muted">${admin ? t.help : t.adminOnly}</p>
      ${
        labels.length
          ? html`<ul class="labels">
              ${labels.map((label) => this.renderLabel(label, admin))}
            </ul>`
          : html`<p class="muted">${t.none}</p>`
      }
      <div class="error" role="alert">${this.error}</div>
      <div class="status" role="status">${this.status}</div>
      ${admin ? this.renderNewLabel(labels.length) : nothing}
    </section>`;
  }

  private renderNewLabel(count: number) {
    const t = this.lt;
    return html`<form part="form" class="new" @submit=${this.add}>
      <fieldset>
        <legend>${t.newLabel}</legend>
        <label class="field"
          ><span>${t.name}</span><input name="name" required maxlength="40" autocomplete="off"
        /></label>
        <label class="field"
          ><span>${t.colour}</span
          ><input name="color" type="color" list="label-palette" .value=${LABEL_PALETTE[count % LABEL_PALETTE.length]!}
        /></label>
        <datalist id="label-palette">${LABEL_PALETTE.map((color) => html`<option value=${color}></option>`)}</datalist>
        <button class="button primary" type="submit">${t.add}</button>
      </fieldset>
    </form>`;
  }

  private renderLabel(label: Label, admin: boolean) {
    const t = this.lt;
    if (this.editing === label.id) {
      return html`<li part="label" data-id=${label.id}>
        <form class="edit" @submit=${(event: SubmitEvent) => this.saveLabel(event, label)}>
          <input name="name" aria-label=${t.nameOf(label.name)} required maxlength="40" .value=${label.name} />
          <input
            name="color"
            type="color"
            list="label-palette"
            aria-label=${t.colourOf(label.name)}
            .value=${sixDigits(label.color)}
          />
          <button class="button primary" type="submit">${t.save}</button>
          <button class="button" type="button" @click=${() => this.stopEditing(label.id)}>${t.cancel}</button>
        </form>
      </li>`;
    }
    if (this.confirming === label.id) {
      const count = this.client!.store.read(labelUseCount, label.id);
      return html`<li part="label" data-id=${label.id}>
        ${labelChip(label)}
        <span>${t.confirmDelete(label.name, count)}</span>
        <button
          class="button danger confirm"
          aria-label=${t.confirm(label.name)}
          @click=${() => this.deleteLabel(label)}
        >
          ${t.delete}
        </button>
        <button class="button" @click=${() => this.stopConfirming(label.id)}>${t.cancel}</button>
      </li>`;
    }
    return html`<li part="label" data-id=${label.id}>
      ${labelChip(label)}
      ${
        admin
          ? html`<button
                class="button edit-button"
                aria-label=${t.editFor(label.name)}
                @click=${() => this.startEditing(label.id)}
              >
                ${t.edit}
              </button>
              <button
                class="button delete-button"
                aria-label=${t.deleteFor(label.name)}
                @click=${() => this.startConfirming(label.id)}
              >
                ${t.delete}
              </button>`
          : nothing
      }
    </li>`;
  }

  private row(id: string): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>(`li[data-id="${CSS.escape(id)}"]`);
  }

  private async focusIn(id: string, selector: string): Promise<void> {
    await this.updateComplete;
    this.row(id)?.querySelector<HTMLElement>(selector)?.focus();
  }

  private startEditing(id: string): void {
    this.clearMessages();
    this.confirming = undefined;
    this.editing = id;
    void this.focusIn(id, 'input[name="name"]');
  }

  private stopEditing(id: string): void {
    this.editing = undefined;
    void this.focusIn(id, '.edit-button');
  }

  private startConfirming(id: string): void {
    this.clearMessages();
    this.editing = undefined;
    this.confirming = id;
    void this.focusIn(id, '.confirm');
  }

  private stopConfirming(id: string): void {
    this.confirming = undefined;
    void this.focusIn(id, '.delete-button');
  }

  private clearMessages(): void {
    this.error = '';
    this.status = '';
  }

  private async explain(refusal: { message: string } | null, done: string): Promise<boolean> {
    if (refusal) this.error = this.t.error(refusal.message);
    else this.status = done;
    return !refusal;
  }

  private add = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    this.clearMessages();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    const name = String(data.get('name') ?? '').trim();
    if (!name) return;
    const refusal = await this.run({ type: 'label.create', name, color: String(data.get('color')) });
    if (await this.explain(refusal, this.lt.added(name))) form.reset();
    form.querySelector<HTMLInputElement>('input[name="name"]')?.focus();
  };

  private async saveLabel(event: SubmitEvent, label: Label): Promise<void> {
    event.preventDefault();
    this.clearMessages();
    const data = new FormData(event.target as HTMLFormElement);
    const name = String(data.get('name') ?? '').trim();
    const refusal = await this.run({ type: 'label.update', labelId: label.id, name, color: String(data.get('color')) });
    if (await this.explain(refusal, this.lt.saved(name))) this.stopEditing(label.id);
  }

  private async deleteLabel(label: Label): Promise<void> {
    this.clearMessages();
    const labels = this.labels.value ?? [];
    const index = labels.indexOf(label);
    const refusal = await this.run({ type: 'label.delete', labelId: label.id });
    if (!(await this.explain(refusal, this.lt.deleted(label.name)))) return;
    this.confirming = undefined;
    await this.updateComplete;
    // Focus goes to the label now in its place, else the one before, else the new label's name.
    const rest = this.labels.value ?? [];
    const next = rest[Math.min(index, rest.length - 1)];
    const target = next
      ? this.row(next.id)?.querySelector<HTMLElement>('.edit-button')
      : this.renderRoot.querySelector<HTMLElement>('form.new input[name="name"]');
    target?.focus();
  }
}
