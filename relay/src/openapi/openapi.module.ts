import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { OpenApiController } from './openapi.controller.js';
import { OpenApiDocumentService } from './openapi-document.service.js';

/** GET /api/openapi.json and /api/docs, generated from the routes the relay serves. */
@Module({
  imports: [DiscoveryModule],
  providers: [OpenApiDocumentService],
  controllers: [OpenApiController],
})
export class OpenApiModule {}
