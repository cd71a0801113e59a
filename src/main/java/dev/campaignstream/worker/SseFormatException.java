package dev.campaignstream.worker;

/** The upstream event stream cannot be parsed safely, e.g. an event is larger than allowed. */
public class SseFormatException extends RuntimeException {

  public SseFormatException(String message) {
    super(message);
  }
}
