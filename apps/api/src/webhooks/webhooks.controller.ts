import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
  BadRequestException,
  type PipeTransform,
} from '@nestjs/common';
import { ClientIp, CurrentPrincipal, PeopleOnly, RequireRole } from '../auth/decorators';
import type { Principal } from '../auth/roles';
import type { WebhookAttempt } from './webhook-sender';
import {
  CreateWebhookDto,
  ListDeliveriesQuery,
  UpdateWebhookDto,
  type WebhookDeliveryPageDto,
  type WebhookEndpointDto,
} from './webhooks.dto';
import { WebhooksService } from './webhooks.service';

/** Delivery ids are bigint identities, kept as strings. */
class DeliveryIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[1-9]\d{0,18}$/.test(value)) {
      throw new BadRequestException({ code: 'invalid_delivery_id', message: 'not a delivery id' });
    }
    return value;
  }
}

@Controller('webhooks')
@RequireRole('admin')
@PeopleOnly()
export class WebhooksController {
  constructor(private readonly webhooks: WebhooksService) {}

  @Get()
  list(): Promise<WebhookEndpointDto[]> {
    return this.webhooks.list();
  }

  /** The signing secret is in this response only. */
  @Post()
  create(
    @Body() body: CreateWebhookDto,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<WebhookEndpointDto & { secret: string }> {
    return this.webhooks.create(body, actor, ip);
  }

  @Get(':id')
  get(@Param('id', new ParseUUIDPipe()) id: string): Promise<WebhookEndpointDto> {
    return this.webhooks.get(id);
  }

  @Patch(':id')
  update(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Body() body: UpdateWebhookDto,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<WebhookEndpointDto> {
    return this.webhooks.update(id, body, actor, ip);
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  remove(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<void> {
    return this.webhooks.remove(id, actor, ip);
  }

  /** The delivery log, newest first. */
  @Get(':id/deliveries')
  deliveries(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Query() query: ListDeliveriesQuery,
  ): Promise<WebhookDeliveryPageDto> {
    return this.webhooks.deliveries(id, query);
  }

  /** Sends one delivery again (whatever its status), with a fresh retry window. */
  @Post(':id/deliveries/:deliveryId/redeliver')
  @HttpCode(HttpStatus.ACCEPTED)
  redeliverOne(
    @Param('id', new ParseUUIDPipe()) id: string,
    @Param('deliveryId', new DeliveryIdPipe()) deliveryId: string,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<{ queued: number }> {
    return this.webhooks.redeliver(id, deliveryId, actor, ip);
  }

  /** Sends every delivery that gave up again. */
  @Post(':id/redeliver-failed')
  @HttpCode(HttpStatus.ACCEPTED)
  redeliverFailed(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() actor: Principal,
    @ClientIp() ip: string,
  ): Promise<{ queued: number }> {
    return this.webhooks.redeliver(id, null, actor, ip);
  }

  /** Sends a signed `ping` now and reports the receiver's answer. */
  @Post(':id/ping')
  @HttpCode(HttpStatus.OK)
  ping(@Param('id', new ParseUUIDPipe()) id: string): Promise<WebhookAttempt> {
    return this.webhooks.ping(id);
  }
}
