/**
 * A local activity's outcome in a workflow's history: the SDK core's `core_local_activity` marker.
 * Its data (type, id) is the core's plain JSON; its result went through the data converter, so
 * whoever reads it decodes it with the client's (encrypted payloads included).
 */
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import type { temporal } from '@temporalio/proto';

const LOCAL_ACTIVITY_MARKER = 'core_local_activity';

export interface LocalActivityMarker {
  type: string;
  id: string;
  /** The activity's result, still encoded. */
  result: Payload[] | null | undefined;
}

export function localActivityMarker(
  event: temporal.api.history.v1.IHistoryEvent,
): LocalActivityMarker | undefined {
  const marker = event.markerRecordedEventAttributes;
  const data = marker?.details?.data?.payloads?.[0];
  if (marker?.markerName !== LOCAL_ACTIVITY_MARKER || !data) return undefined;
  const { activity_type: type, activity_id: id } = defaultPayloadConverter.fromPayload<{
    activity_type?: string;
    activity_id?: string;
  }>(data);
  return {
    type: type ?? '?',
    id: id ?? '?',
    result: marker.details?.result?.payloads as Payload[] | undefined,
  };
}
