import { Module } from '@nestjs/common';
import { RequestControlsRepository } from './request-controls.repository';

@Module({ providers: [RequestControlsRepository], exports: [RequestControlsRepository] })
export class AccessModule {}
