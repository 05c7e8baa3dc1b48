import { IsBoolean } from 'class-validator';
import { Omittable } from '../common/validation';

export class EvaluateDto {
  /** One Batch API job (cheaper, slower) instead of online calls; ignored by the offline judge. */
  @Omittable()
  @IsBoolean()
  viaBatchApi?: boolean;
}
