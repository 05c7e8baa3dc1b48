import { Global, Module } from '@nestjs/common';
import { BackgroundJobs } from './background-jobs';

@Global()
@Module({ providers: [BackgroundJobs], exports: [BackgroundJobs] })
export class BackgroundJobsModule {}
