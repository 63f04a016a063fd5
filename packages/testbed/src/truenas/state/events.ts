// Middleware events (main.py `send_event`, ws_handler/rpc.py `send_event`): every connection is a
// sink; a sink forwards an event as a `collection_update` notification when its session
// subscribed (`core.subscribe`) to the event's name or to `*`.

export interface EventSink {
  deliver(name: string, event: Record<string, unknown>): void;
}

export type EventType = 'ADDED' | 'CHANGED' | 'REMOVED';

export class EventHub {
  readonly #sinks = new Set<EventSink>();

  add(sink: EventSink): void {
    this.#sinks.add(sink);
  }

  remove(sink: EventSink): void {
    this.#sinks.delete(sink);
  }

  /**
   * Sends `{msg, collection, id?, fields?, extra?}` as the middleware shapes it: `fields` only for
   * ADDED and CHANGED, any other keyword under `extra`.
   */
  send(name: string, type: EventType, kwargs: Record<string, unknown>): void {
    const event: Record<string, unknown> = { msg: type.toLowerCase(), collection: name };
    const rest = { ...kwargs };
    if ('id' in rest) {
      event.id = rest.id;
      delete rest.id;
    }
    if ('fields' in rest) {
      if (type !== 'REMOVED') {
        event.fields = rest.fields;
      }
      delete rest.fields;
    }
    if (Object.keys(rest).length > 0) {
      event.extra = rest;
    }
    for (const sink of this.#sinks) {
      sink.deliver(name, structuredClone(event));
    }
  }
}
