import type { InboundErrorCode } from '@chatbox/message';
import type { WebSocketErrorCode } from './errors.js';

/** Why an upgrade was answered with an HTTP status instead of 101. */
export type UpgradeRefusal =
  | 'draining'
  | 'missing_origin'
  | 'null_origin'
  | 'malformed_origin'
  | 'origin_not_allowed'
  | 'unauthorized'
  | 'auth_unavailable'
  | 'too_many_connections';

/** Why a frame was refused without reaching the router. */
export type FrameRefusal = InboundErrorCode | 'rate_limited' | 'binary';

/** Metrics hooks; never carries a token, a frame's content or a user id. */
export type GatewayEvent =
  | { type: 'connection_opened'; connectionId: string; originListVersion: number }
  | {
      type: 'connection_closed';
      connectionId: string;
      code: number;
      reason: string;
      durationMs: number;
    }
  | { type: 'frame_in'; connectionId: string; frameType: string }
  | { type: 'frame_out'; connectionId: string; bytes: number }
  | { type: 'frame_invalid'; connectionId: string; code: FrameRefusal }
  | {
      type: 'send_buffer_exceeded';
      connectionId: string;
      bufferedBytes: number;
      limitBytes: number;
    }
  | { type: 'heartbeat_timeout'; connectionId: string }
  | {
      type: 'upgrade_refused';
      status: number;
      reason: UpgradeRefusal;
      code: WebSocketErrorCode;
      originListVersion: number;
    };

export type EventSink = (event: GatewayEvent) => void;
