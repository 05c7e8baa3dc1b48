import { MistralResponseError } from './errors';
import type { RequestOptions, Transport } from './transport';

export interface ModelCapabilities {
  completion_chat?: boolean;
  completion_fim?: boolean;
  function_calling?: boolean;
  fine_tuning?: boolean;
  vision?: boolean;
  classification?: boolean;
  moderation?: boolean;
  [capability: string]: boolean | undefined;
}

export interface ModelCard {
  id: string;
  object?: 'model';
  created?: number;
  owned_by?: string;
  type?: 'base' | 'fine-tuned';
  name?: string | null;
  description?: string | null;
  max_context_length?: number;
  aliases?: string[];
  capabilities: ModelCapabilities;
}

export interface ModelList {
  object: 'list';
  data: ModelCard[];
}

export class ModelsApi {
  constructor(private readonly transport: Transport) {}

  list(options?: RequestOptions): Promise<ModelList> {
    return this.transport
      .json<ModelList>('GET', '/v1/models', undefined, options)
      .then(assertModelList);
  }

  get(modelId: string, options?: RequestOptions): Promise<ModelCard> {
    return this.transport.json<ModelCard>(
      'GET',
      `/v1/models/${encodeURIComponent(modelId)}`,
      undefined,
      options,
    );
  }
}

/** A model list as the API promises it; anything else is a MistralResponseError, not a crash later. */
export function assertModelList(list: ModelList): ModelList {
  const data = (list as Partial<ModelList> | null)?.data;
  const wellFormed =
    Array.isArray(data) &&
    data.every(
      (card) =>
        typeof card?.id === 'string' &&
        typeof card.capabilities === 'object' &&
        card.capabilities !== null,
    );
  if (!wellFormed)
    throw new MistralResponseError(
      'GET /v1/models did not answer with a list of model cards',
      JSON.stringify(list).slice(0, 2000),
    );
  return list;
}
