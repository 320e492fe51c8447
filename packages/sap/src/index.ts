export * from './rfc-connector.js';
export { ConcurrencyGate } from './concurrency-gate.js';
export { rfcErrorToTunnelError, isNodeRfcError, type NodeRfcErrorShape } from './rfc-error.mapper.js';
export { DEFAULT_RFC_MODULE, NodeRfcConnectionPool, loadRfcModule, type NodeRfcModule, type NodeRfcPoolOptions } from './node-rfc.adapter.js';
export { formatReturnRow, isFailure, returnRows, type BapiReturnRow } from './bapi-return.js';
export { LUW_FUNCTION_MODULES, runRfcTransaction, type TransactionCall, type TransactionCallResult, type TransactionOutcome } from './rfc-transaction.js';
export { CLASSIC_READ_FM, TableReadStrategy, WIDE_READ_FM, type TableReadPage, type TableReadRequest, type TableReadSummary } from './read-table/table-read.strategy.js';
export { alphaInput, alphaOutput, convertValue, parseWa, type ConvertedRow, type ConvertedValue, type ReadField } from './read-table/wa-parser.js';
export { OPTION_LINE_CHARS, abapLiteral, toOptionLines } from './read-table/where-options.js';
