import { IsBoolean, IsOptional } from 'class-validator';

export class EvaluateDto {
  /** One Batch API job (cheaper, slower) instead of online calls; ignored by the offline judge. */
  @IsOptional()
  @IsBoolean()
  viaBatchApi?: boolean;
}
