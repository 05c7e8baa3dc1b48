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
    return this.transport.json<BatchJob>('POST', '/v1/batch/jobs', job, options);
  }

  get(jobId: string, options?: RequestOptions): Promise<BatchJob> {
    return this.transport.json<BatchJob>(
      'GET',
      `/v1/batch/jobs/${encodeURIComponent(jobId)}`,
      undefined,
      options,
    );
  }

  list(options?: RequestOptions): Promise<{ object: 'list'; data: BatchJob[]; total: number }> {
    return this.transport.json('GET', '/v1/batch/jobs', undefined, options);
  }

  cancel(jobId: string, options?: RequestOptions): Promise<BatchJob> {
    return this.transport.json<BatchJob>(
      'POST',
      `/v1/batch/jobs/${encodeURIComponent(jobId)}/cancel`,
      {},
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
   * returns one result line per request, keyed by `custom_id`.
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
  ): Promise<{ job: BatchJob; results: Map<string, BatchResultLine<T>> }> {
    const jsonl = requests.map((r) => JSON.stringify(r)).join('\n');
    const file = await this.files.upload(`batch-${Date.now()}.jsonl`, jsonl, 'batch', {
      signal: options.signal,
    });
    const created = await this.create(
      { endpoint, model, input_files: [file.id] },
      { signal: options.signal },
    );
    const job = await this.wait(created.id, options);
    if (job.status !== 'SUCCESS' || !job.output_file) {
      throw new MistralError(
        `batch job ${job.id} ended ${job.status}: ${job.errors.map((e) => e.message).join('; ')}`,
      );
    }
    const output = await this.files.download(job.output_file, { signal: options.signal });
    const results = new Map<string, BatchResultLine<T>>();
    for (const line of output.split('\n')) {
      if (!line.trim()) continue;
      try {
        const parsed = JSON.parse(line) as BatchResultLine<T>;
        results.set(parsed.custom_id, parsed);
      } catch {
        throw new MistralResponseError('batch output line is not JSON', line);
      }
    }
    // Tokens spent in the job count like those of online requests to the same endpoint.
    for (const line of results.values()) {
      const body = line.response?.status_code === 200 ? line.response.body : null;
      if (body && typeof body === 'object') this.transport.recordUsage(endpoint, body, { model });
    }
    return { job, results };
  }
}
