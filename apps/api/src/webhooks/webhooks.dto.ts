import {
  ArrayNotEmpty,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsString,
  IsUrl,
  Length,
  MaxLength,
} from 'class-validator';
import {
  WEBHOOK_DECISIONS,
  WEBHOOK_KINDS,
  type WebhookDecision,
  type WebhookKind,
} from '@sieve/contracts';
import { PageCursor, PageLimit } from '../common/pagination';
import { Omittable } from '../common/validation';

const URL_OPTIONS = {
  protocols: ['http', 'https'],
  require_protocol: true,
  require_tld: false,
  disallow_auth: true,
};
const URL_MESSAGE = 'url must be an http(s) URL without credentials in it';

export class CreateWebhookDto {
  @IsString()
  @Length(1, 100)
  name!: string;

  @IsUrl(URL_OPTIONS, { message: URL_MESSAGE })
  @MaxLength(2048)
  url!: string;

  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(WEBHOOK_KINDS, { each: true })
  kinds!: WebhookKind[];

  /** All three when absent. */
  @Omittable()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(WEBHOOK_DECISIONS, { each: true })
  decisions?: WebhookDecision[];
}

export class UpdateWebhookDto {
  @Omittable()
  @IsString()
  @Length(1, 100)
  name?: string;

  @Omittable()
  @IsUrl(URL_OPTIONS, { message: URL_MESSAGE })
  @MaxLength(2048)
  url?: string;

  @Omittable()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(WEBHOOK_KINDS, { each: true })
  kinds?: WebhookKind[];

  @Omittable()
  @IsArray()
  @ArrayNotEmpty()
  @ArrayUnique()
  @IsIn(WEBHOOK_DECISIONS, { each: true })
  decisions?: WebhookDecision[];

  /** true re-enables a disabled endpoint: its failure count starts again and its queue is sent. */
  @Omittable()
  @IsBoolean()
  enabled?: boolean;
}

export class ListDeliveriesQuery {
  @Omittable()
  @IsIn(['pending', 'delivered', 'failed'])
  status?: 'pending' | 'delivered' | 'failed';

  @PageLimit()
  limit?: number;

  @PageCursor()
  cursor?: string;
}

export type {
  WebhookDeliveryDto,
  WebhookDeliveryPageDto,
  WebhookEndpointDto,
} from '@sieve/contracts';
