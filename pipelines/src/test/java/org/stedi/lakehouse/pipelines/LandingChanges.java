package org.stedi.lakehouse.pipelines;

import static org.stedi.lakehouse.testing.Stedi.CONSENT_TIME;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.stedi.lakehouse.testing.AccelerometerLine;
import org.stedi.lakehouse.testing.CustomerLine;
import org.stedi.lakehouse.testing.LandingFiles;
import org.stedi.lakehouse.testing.StepTrainerLine;

/** New landing data for tests that need the next run to change every table. */
final class LandingChanges {
  private LandingChanges() {}

  /** A consenting customer on a new device, with step and phone readings at the same milliseconds. */
  static void addNewCustomerWithDevice(Path lake, String email, String serial) {
    List<Object> steps = new ArrayList<>();
    List<Object> phone = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long time = CONSENT_TIME + 1000L * i;
      steps.add(StepTrainerLine.of(time, serial, 200 + i));
      phone.add(AccelerometerLine.of(email, time, i, -i, 1));
    }
    LandingFiles.write(lake.resolve("customer/landing/new-customer.json"), List.of(CustomerLine.of(email, serial)));
    LandingFiles.write(lake.resolve("step_trainer/landing/new-device.json"), steps);
    LandingFiles.write(lake.resolve("accelerometer/landing/new-phone.json"), phone);
  }
}
