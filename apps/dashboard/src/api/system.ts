import type { SystemInfoDto } from '@sieve/contracts';
import { request } from './client';

export type { SystemInfoDto as SystemInfo } from '@sieve/contracts';

export const getSystemInfo = () => request<SystemInfoDto>('/system');
