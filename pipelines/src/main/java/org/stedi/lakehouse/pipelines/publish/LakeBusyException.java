package org.stedi.lakehouse.pipelines.publish;

/** Thrown when another run holds the lake's lock. */
public final class LakeBusyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LakeBusyException(String message) {
    super(message);
  }
}
