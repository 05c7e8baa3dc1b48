import { Module } from '@nestjs/common';
import { WebhookDeliveryWorker } from './webhook-delivery.worker';
import { WebhookFanout } from './webhook-fanout';
import { WebhooksController } from './webhooks.controller';
import { WebhooksService } from './webhooks.service';

/** Signed webhooks: the platform's second way (besides Kafka) to receive Sieve's messages. */
@Module({
  controllers: [WebhooksController],
  providers: [WebhooksService, WebhookFanout, WebhookDeliveryWorker],
  exports: [WebhookFanout, WebhooksService],
})
export class WebhooksModule {}
