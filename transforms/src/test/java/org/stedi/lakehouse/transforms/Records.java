package org.stedi.lakehouse.transforms;

import org.stedi.lakehouse.testing.AccelerometerLine;
import org.stedi.lakehouse.testing.CustomerLine;
import org.stedi.lakehouse.testing.StepTrainerLine;
import org.stedi.lakehouse.landing.LandingParser;
import org.stedi.lakehouse.landing.RejectedLineException;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.StepTrainerReading;

/** Turns fixture lines into records through the real landing parsers. */
final class Records {
  private static final LandingParser<Customer> CUSTOMERS = LandingParser.customers();
  private static final LandingParser<AccelerometerReading> ACCELEROMETER = LandingParser.accelerometer();
  private static final LandingParser<StepTrainerReading> STEPS = LandingParser.stepTrainer();

  private Records() {}

  static Customer customer(CustomerLine line) {
    return parse(CUSTOMERS, line.json());
  }

  static AccelerometerReading reading(String user, long timestamp, double x, double y, double z) {
    return parse(ACCELEROMETER, AccelerometerLine.of(user, timestamp, x, y, z).json());
  }

  static StepTrainerReading step(long time, String serialNumber, long distance) {
    return parse(STEPS, StepTrainerLine.of(time, serialNumber, distance).json());
  }

  private static <T> T parse(LandingParser<T> parser, String line) {
    try {
      return parser.parse(line);
    } catch (RejectedLineException e) {
      throw new AssertionError("fixture line rejected: " + e.reason() + ": " + line, e);
    }
  }
}
