import { Column, Entity, PrimaryColumn } from 'typeorm';

/** Failed sign-ins per key (an account or an address) in the current window. */
@Entity({ name: 'login_throttle' })
export class LoginThrottle {
  @PrimaryColumn({ type: 'text' })
  key!: string;

  @Column({ type: 'integer' })
  failures!: number;

  @Column({ name: 'window_started_at', type: 'timestamptz' })
  windowStartedAt!: Date;

  @Column({ name: 'locked_until', type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;
}
