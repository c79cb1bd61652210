package org.stedi.lakehouse.model;

import java.util.Arrays;

/** The values of {@code --deviceOwner}: how a step trainer reading is given to a customer. */
public enum DeviceOwnerRule {
  /** The owner decided from the readings ({@code DeviceOwnership}): right under the serial-number bug. */
  READINGS("readings"),
  /** The customers whose {@code serialNumber} field names the device: wrong under the serial-number bug. */
  SERIAL_NUMBER("serialNumber");

  public static final String DEFAULT = "readings";

  private final String flag;

  DeviceOwnerRule(String flag) {
    this.flag = flag;
  }

  /** The value as {@code --deviceOwner} spells it. */
  public String flag() {
    return flag;
  }

  /** The rule of a {@code --deviceOwner} value, or a message naming the values it takes. */
  public static DeviceOwnerRule of(String flag) {
    return Arrays.stream(values())
        .filter(rule -> rule.flag.equals(flag))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "--deviceOwner must be readings (the default: owners from the readings) or serialNumber "
                        + "(owners from customer.serialNumber), got '" + flag + "'"));
  }
}
