import { IsIn, IsString, IsUUID, MaxLength } from 'class-validator';
import { Omittable } from '../../common/validation';

export class MarkGoldenDto {
  @IsUUID()
  flagId!: string;

  /** The outcome a reviewer should reach. */
  @IsIn(['approve', 'remove'])
  expectedAction!: 'approve' | 'remove';

  @Omittable()
  @IsString()
  @MaxLength(1000)
  note?: string;
}
