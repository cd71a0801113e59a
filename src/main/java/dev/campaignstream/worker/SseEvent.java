package dev.campaignstream.worker;

/**
 * One dispatched server-sent event.
 *
 * @param type the {@code event:} field, or {@code "message"} when the event had none
 * @param data the {@code data:} lines joined with {@code \n}
 * @param id   the last event id seen on the stream (ids persist across events, as in the SSE spec), or null
 */
public record SseEvent(String type, String data, String id) {

  public static final String DEFAULT_TYPE = "message";

  public SseEvent {
    if (type == null || type.isEmpty()) {
      type = DEFAULT_TYPE;
    }
    if (data == null) {
      throw new NullPointerException("data");
    }
  }
}
