import { Controller, Get, Header, Res } from '@nestjs/common';
import { ApiRoute } from './api-route.decorator.js';
import { renderApiDocs } from './api-docs.page.js';
import { OpenApiDocumentService, type OpenApiDocument } from './openapi-document.service.js';

interface RawResponse {
  setHeader(name: string, value: string): void;
  send(body: string): void;
}

/** The relay's API described: OpenAPI 3.1 JSON for tools, and a plain page for people. */
@Controller('api')
export class OpenApiController {
  constructor(private readonly documents: OpenApiDocumentService) {}

  @Get('openapi.json')
  @ApiRoute({ summary: 'This document (OpenAPI 3.1)' })
  openApi(): OpenApiDocument {
    return this.documents.openApi();
  }

  @Get('docs')
  @ApiRoute({ summary: 'This document as a readable page' })
  @Header('Content-Type', 'text/html; charset=utf-8')
  docs(@Res() response: RawResponse): void {
    response.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'");
    response.send(renderApiDocs(this.documents.openApi()));
  }
}
