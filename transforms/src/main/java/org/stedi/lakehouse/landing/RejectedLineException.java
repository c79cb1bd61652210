package org.stedi.lakehouse.landing;

/**
 * Thrown by a {@link LandingParser} for a line that cannot become a record. It carries the reason
 * that goes to quarantine and no stack trace: it is thrown for bad input only, never on good lines.
 */
public final class RejectedLineException extends Exception {
  private static final long serialVersionUID = 1L;

  public RejectedLineException(String reason) {
    super(reason, null, false, false);
  }

  /** Why the line was rejected, phrased for the person who reads the quarantine. */
  public String reason() {
    return getMessage();
  }
}
