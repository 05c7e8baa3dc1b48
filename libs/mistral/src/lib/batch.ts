import { MistralError, MistralResponseError } from './errors';
import type { Clock } from './rate-limiter';
import type { RequestOptions, Transport } from './transport';

export type BatchJobStatus =
  | 'QUEUED'
  | 'RUNNING'
  | 'SUCCESS'
  | 'FAILED'
  | 'TIMEOUT_EXCEEDED'
  | 'CANCELLATION_REQUESTED'
  | 'CANCELLED';

const TERMINAL: BatchJobStatus[] = ['SUCCESS', 'FAILED', 'TIMEOUT_EXCEEDED', 'CANCELLED'];

export interface UploadedFile {
  id: string;
  object: 'file';
  bytes: number;
  created_at: number;
  filename: string;
  purpose: string;
  num_lines?: number | null;
}

export interface BatchJobIn {
  endpoint: string;
  model?: string;
  input_files?: string[];
  requests?: BatchRequest[];
  metadata?: Record<string, string>;
  timeout_hours?: number;
}

export interface BatchJob {
  id: string;
  object: 'batch';
  input_files: string[];
  endpoint: string;
  model?: string | null;
  output_file?: string | null;
  error_file?: string | null;
  errors: { message: string; count?: number }[];
  status: BatchJobStatus;
  created_at: number;
  total_requests: number;
  completed_requests: number;
  succeeded_requests: number;
  failed_requests: number;
  started_at?: number | null;
  completed_at?: number | null;
  metadata?: Record<string, unknown> | null;
}

export interface BatchRequest {
  custom_id: string;
  body: Record<string, unknown>;
}

export interface BatchResultLine<T = unknown> {
  id?: string;
  custom_id: string;
  response?: { status_code: number; body: T };
  error?: { message: string; code?: string } | null;
}

const STATUSES: BatchJobStatus[] = [
  'QUEUED',
  'RUNNING',
  'SUCCESS',
  'FAILED',
  'TIMEOUT_EXCEEDED',
  'CANCELLATION_REQUESTED',
  'CANCELLED',
];

/**
 * A batch job as the API promises it: an id and a known status, so polling can neither spin on
 * a body it cannot read nor miss the end of a job.
 */
export function assertBatchJob(job: BatchJob): BatchJob {
  const j = job as Partial<BatchJob> | null;
  if (typeof j?.id !== 'string' || !STATUSES.includes(j.status as BatchJobStatus))
    throw new MistralResponseError(
      'a batch job answer has no id or an unknown status',
      JSON.stringify(job).slice(0, 2000),
    );
  return job;
}

export class FilesApi {
  constructor(private readonly transport: Transport) {}

  /** Multipart upload, e.g. a JSONL file of batch requests (`purpose: "batch"`). */
  upload(
    filename: string,
    content: string | Uint8Array,
    purpose = 'batch',
    options?: RequestOptions,
  ): Promise<UploadedFile> {
    const form = new FormData();
    form.set('purpose', purpose);
    form.set('file', new Blob([content as BlobPart], { type: 'application/jsonl' }), filename);
    return this.transport
      .raw('POST', '/v1/files', form, null, options)
      .then((r) => r.json() as Promise<UploadedFile>);
  }

  async download(fileId: string, options?: RequestOptions): Promise<string> {
    const response = await this.transport.raw(
      'GET',
      `/v1/files/${encodeURIComponent(fileId)}/content`,
      undefined,
      null,
      options,
      // A file's content is JSONL or whatever was uploaded, not JSON.
      '*/*',
    );
    return response.text();
  }
}

export class BatchApi {
  constructor(
    private readonly transport: Transport,
    private readonly files: FilesApi,
    private readonly clock: Clock,
  ) {}

  create(job: BatchJobIn, options?: RequestOptions): Promise<BatchJob> {
    return this.transport
      .json<BatchJob>('POST', '/v1/batch/jobs', job, options)
      .then(assertBatchJob);
  }

  get(jobId: string, options?: RequestOptions): Promise<BatchJob> {
    return this.transport
      .json<BatchJob>('GET', `/v1/batch/jobs/${encodeURIComponent(jobId)}`, undefined, options)
      .then(assertBatchJob);
  }

  list(options?: RequestOptions): Promise<{ object: 'list'; data: BatchJob[]; total: number }> {
    return this.transport.json('GET', '/v1/batch/jobs', undefined, options);
  }

  cancel(jobId: string, options?: RequestOptions): Promise<BatchJob> {
    // The spec defines no body for cancel.
    return this.transport.json<BatchJob>(
      'POST',
      `/v1/batch/jobs/${encodeURIComponent(jobId)}/cancel`,
      undefined,
      options,
    );
  }

  /** Polls until the job reaches a terminal status; `onProgress` sees each poll. */
  async wait(
    jobId: string,
    {
      pollIntervalMs = 5000,
      onProgress,
      signal,
    }: { pollIntervalMs?: number; onProgress?: (job: BatchJob) => void; signal?: AbortSignal } = {},
  ): Promise<BatchJob> {
    for (;;) {
      const job = await this.get(jobId, { signal });
      onProgress?.(job);
      if (TERMINAL.includes(job.status)) return job;
      await this.clock.sleep(pollIntervalMs, signal);
    }
  }

  /**
   * Upload → create job → poll → download: runs many requests through the Batch API and
   * returns one result line per request that got one, keyed by `custom_id` — from the output
   * file and the error file, also when the job ended early (TIMEOUT_EXCEEDED, CANCELLED): what
   * it did is kept. `unanswered` lists the requests without a successful line (failed or never
   * run), for the caller to retry or report. Aborting cancels the job at Mistral.
   */
  async run<T = unknown>(
    endpoint: string,
    model: string,
    requests: BatchRequest[],
    options: {
      pollIntervalMs?: number;
      onProgress?: (job: BatchJob) => void;
      signal?: AbortSignal;
    } = {},
  ): Promise<{ job: BatchJob; results: Map<string, BatchResultLine<T>>; unanswered: string[] }> {
    const jsonl = requests.map((r) => JSON.stringify(r)).join('\n');
    const file = await this.files.upload(`batch-${Date.now()}.jsonl`, jsonl, 'batch', {
      signal: options.signal,
    });
    const created = await this.create(
      { endpoint, model, input_files: [file.id] },
      { signal: options.signal },
    );
    let job: BatchJob;
    try {
      job = await this.wait(created.id, options);
    } catch (error) {
      // The caller gave up: so does the job, rather than running (and billing) on.
      if (options.signal?.aborted) await this.cancel(created.id).catch(() => undefined);
      throw error;
    }
    const results = new Map<string, BatchResultLine<T>>();
    for (const fileId of [job.output_file, job.error_file]) {
      if (!fileId) continue;
      const content = await this.files.download(fileId, { signal: options.signal });
      for (const line of content.split('\n')) {
        if (!line.trim()) continue;
        let parsed: BatchResultLine<T>;
        try {
          parsed = JSON.parse(line) as BatchResultLine<T>;
        } catch {
          throw new MistralResponseError('batch output line is not JSON', line);
        }
        // A success is never replaced by an error line for the same request.
        if (results.get(parsed.custom_id)?.response?.status_code !== 200)
          results.set(parsed.custom_id, parsed);
      }
    }
    if (results.size === 0 && job.status !== 'SUCCESS') {
      throw new MistralError(
        `batch job ${job.id} ended ${job.status} with no results: ${job.errors.map((e) => e.message).join('; ')}`,
      );
    }
    // Tokens spent in the job count like those of online requests to the same endpoint.
    for (const line of results.values()) {
      const body = line.response?.status_code === 200 ? line.response.body : null;
      if (body && typeof body === 'object') this.transport.recordUsage(endpoint, body, { model });
    }
    const unanswered = requests
      .map((r) => r.custom_id)
      .filter((id) => results.get(id)?.response?.status_code !== 200);
    return { job, results, unanswered };
  }
}
