import { Module } from '@nestjs/common';
import { AccessModule } from '../access/access.module';
import { ApiKeysController } from './api-keys.controller';

@Module({ imports: [AccessModule], controllers: [ApiKeysController] })
export class ApiKeysModule {}
