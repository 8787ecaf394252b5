// netgap's public API: read captures, run the detectors, render alerts. The CLI is built on exactly this.

export type { Frame, FrameSink } from './frame';
export { InputError, type InputErrorReason, type InputProblem } from './capture/input-error';
export { readCaptureTo, readCapturesTo, type ProgressListener, type Reading, type ReadProgress } from './capture/file/source';
export { readCapture, readCaptures } from './capture/file/source-stream';
export { PcapWriter, PcapngWriter } from './capture/file/writer';
export { decodeFrame } from './decode/link';
export { DecodedFrame, DECODE_REASONS, type DecodeReason } from './decode/decoded-frame';
export type * from './detect/alerts';
export { Engine, type EngineOptions } from './detect/engine';
export type { Summary, StationSummary } from './detect/summary';
export { analyzeTo, type AnalysisEvent, type AnalysisHandlers, type AnalysisSource, type EngineInput, type SourceEnd, type SummaryEvent } from './analysis';
export { analyze } from './pipeline';
export { alertRecord, summaryRecord } from './output/ndjson';
export { alertText } from './output/text';
export { describe, type Description } from './output/describe';
