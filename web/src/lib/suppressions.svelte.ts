import type { Api } from './api/client.js';
import {
  ADD_SUPPRESSION, IMPORT_SUPPRESSIONS, REMOVE_SUPPRESSION, SUPPRESSION_CAMPAIGNS, SUPPRESSIONS,
  type AddSuppressionResult, type SuppressionCampaignsResult, type RemoveSuppressionResult, type Suppression, type SuppressionImportResult, type SuppressionKind, type SuppressionsResult,
} from './api/documents.js';
import { errorText, formErrors, NO_ERRORS, type FormErrors } from './form-errors.js';
import { LatestRead } from './latest.js';

/** Entries per page. */
export const SUPPRESSIONS_PAGE = 50;
/** The server refuses larger CSV bodies; say so before uploading. */
export const MAX_CSV_BYTES = 5 * 1024 * 1024;

export const KIND_LABELS: Record<SuppressionKind, string> = { NUMBER: 'Number', CLIENT_ID: 'Client id' };

/** Where the CSV to import comes from: a chosen file, or text pasted into the box. */
export interface CsvSource {
  file: { name: string; size: number; text(): Promise<string> } | null;
  text: string;
}

/** The CSV text to send, or why there is none. */
export async function csvText(source: CsvSource): Promise<{ csv: string } | { problem: string }> {
  if (source.file) {
    if (source.file.size > MAX_CSV_BYTES) return { problem: `The file is ${(source.file.size / 1048576).toFixed(1)} MB; split it into files of at most 5 MB` };
    return { csv: await source.file.text() };
  }
  if (!source.text.trim()) return { problem: 'Choose a CSV file or paste CSV text' };
  if (source.text.length > MAX_CSV_BYTES) return { problem: 'The pasted text is over 5 MB; split it' };
  return { csv: source.text };
}

/**
 * The suppression (DND) list: searchable and paged, newest first; add one entry, remove one (after
 * a confirm step), import a CSV and show every row the server refused with its line. The page is
 * read by the component's effect whenever {@link SuppressionsStore.query} changes.
 */
export class SuppressionsStore {
  search = $state('');
  kind = $state<SuppressionKind | ''>('');
  offset = $state(0);
  page = $state.raw<SuppressionsResult['suppressions']>({ items: [], totalCount: 0 });
  loading = $state(false);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);

  /** `campaignId` '' applies the entry to every campaign; a campaign's id, to that one only (seed 002: cancels its followups). */
  draft = $state({ kind: 'NUMBER' as SuppressionKind, value: '', reason: '', campaignId: '' });
  /** Campaigns an entry may apply to. */
  campaigns = $state.raw<{ id: string; name: string }[]>([]);
  addErrors = $state.raw<FormErrors>(NO_ERRORS);
  addBusy = $state(false);

  /** The entry whose removal waits for a confirmation, and the one being removed. */
  confirmingId = $state<string | null>(null);
  removingId = $state<string | null>(null);

  csv = $state<CsvSource>({ file: null, text: '' });
  region = $state('');
  importErrors = $state.raw<FormErrors>(NO_ERRORS);
  importBusy = $state(false);
  imported = $state.raw<SuppressionImportResult['importSuppressionsCsv'] | null>(null);

  /** What the page shows: the server searches numbers (any spelling), client ids and reasons. */
  readonly query = $derived({ search: this.search.trim() || null, kind: this.kind || null, limit: SUPPRESSIONS_PAGE, offset: this.offset });

  private readonly reads = new LatestRead();

  constructor(private readonly api: Api) {}

  /** Reads one page; an answer that arrives after a newer request is dropped. */
  async load(query = this.query): Promise<void> {
    await this.reads.run(() => this.api.request<SuppressionsResult>(SUPPRESSIONS, query), {
      ok: ({ suppressions }) => {
        this.page = suppressions;
        this.error = null;
      },
      fail: (e) => (this.error = errorText(e)),
      busy: (b) => (this.loading = b),
    });
  }

  setSearch(text: string): void {
    this.search = text;
    this.offset = 0;
  }

  setKind(kind: SuppressionKind | ''): void {
    this.kind = kind;
    this.offset = 0;
  }

  next(): void {
    if (this.offset + SUPPRESSIONS_PAGE < this.page.totalCount) this.offset += SUPPRESSIONS_PAGE;
  }

  previous(): void {
    this.offset = Math.max(0, this.offset - SUPPRESSIONS_PAGE);
  }

  /** Reads the campaigns an entry may apply to (once, for the form). */
  async loadCampaigns(): Promise<void> {
    try {
      this.campaigns = (await this.api.request<SuppressionCampaignsResult>(SUPPRESSION_CAMPAIGNS)).campaigns.items;
    } catch {
      this.campaigns = [];
    }
  }

  async add(): Promise<Suppression | null> {
    const value = this.draft.value.trim();
    this.notice = null;
    if (!value) {
      this.addErrors = { fields: { 'input.value': this.draft.kind === 'NUMBER' ? 'Type the number, e.g. +919812345678' : 'Type the client id' }, message: null };
      return null;
    }
    this.addBusy = true;
    this.addErrors = NO_ERRORS;
    try {
      const reason = this.draft.reason.trim();
      const { addSuppression: s } = await this.api.request<AddSuppressionResult>(ADD_SUPPRESSION, {
        input: { kind: this.draft.kind, value, ...(reason ? { reason } : {}), ...(this.draft.campaignId ? { campaignId: this.draft.campaignId } : {}) },
      });
      this.draft = { kind: this.draft.kind, value: '', reason: '', campaignId: this.draft.campaignId };
      this.notice = s.campaignName
        ? `${KIND_LABELS[s.kind]} ${s.value} is suppressed in ${s.campaignName}: it will not be dialled there, and its followups there are cancelled.`
        : `${KIND_LABELS[s.kind]} ${s.value} is suppressed: it will not be dialled.`;
      await this.load();
      return s;
    } catch (e) {
      this.addErrors = formErrors(e, ['input.kind', 'input.value', 'input.reason', 'input.campaignId']);
      return null;
    } finally {
      this.addBusy = false;
    }
  }

  askRemove(id: string): void {
    this.confirmingId = id;
    this.notice = null;
  }

  cancelRemove(): void {
    this.confirmingId = null;
  }

  /** Removes the entry awaiting confirmation; the number or client id may be dialled again. */
  async confirmRemove(): Promise<boolean> {
    const s = this.page.items.find((x) => x.id === this.confirmingId);
    if (!s) return false;
    this.removingId = s.id;
    this.error = null;
    try {
      await this.api.request<RemoveSuppressionResult>(REMOVE_SUPPRESSION, { id: s.id });
      this.confirmingId = null;
      this.notice = `${KIND_LABELS[s.kind]} ${s.value} removed from the list: it may be dialled again.`;
      await this.load();
      return true;
    } catch (e) {
      this.error = errorText(e);
      return false;
    } finally {
      this.removingId = null;
    }
  }

  /** Imports the chosen file or the pasted text: good rows are added, bad ones listed with their line. */
  async importCsv(): Promise<SuppressionImportResult['importSuppressionsCsv'] | null> {
    this.imported = null;
    this.importErrors = NO_ERRORS;
    this.notice = null;
    const source = await csvText(this.csv);
    if ('problem' in source) {
      this.importErrors = { fields: { 'input.csv': source.problem }, message: null };
      return null;
    }
    this.importBusy = true;
    try {
      const region = this.region.trim().toUpperCase();
      const { importSuppressionsCsv: r } = await this.api.request<SuppressionImportResult>(IMPORT_SUPPRESSIONS, {
        input: { csv: source.csv, ...(region ? { defaultRegion: region } : {}) },
      });
      this.imported = r;
      await this.load();
      return r;
    } catch (e) {
      this.importErrors = formErrors(e, ['input.csv', 'input.defaultRegion']);
      return null;
    } finally {
      this.importBusy = false;
    }
  }
}
