import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export class MarkGoldenDto {
  @IsUUID()
  flagId!: string;

  /** The outcome a reviewer should reach. */
  @IsIn(['approve', 'remove'])
  expectedAction!: 'approve' | 'remove';

  @IsOptional()
  @IsString()
  @MaxLength(1000)
  note?: string;
}
