package org.stedi.lakehouse.landing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.stedi.lakehouse.testing.AccelerometerLine;
import org.stedi.lakehouse.testing.CustomerLine;
import org.stedi.lakehouse.testing.StepTrainerLine;
import org.stedi.lakehouse.model.AccelerometerReading;
import org.stedi.lakehouse.model.Customer;
import org.stedi.lakehouse.model.StepTrainerReading;

/** The three landing parsers on single lines, without a pipeline (the contract's sections 2 and 5). */
class LandingParserTest {
  private static final String EMAIL = "Santosh.Clayton@test.com";
  private static final String SERIAL = "50f7b4f3-7af5-4b07-a421-7b902c8d2b7c";
  private static final long UPDATED = 1655564376361L;
  private static final long TIME = 1655564444103L;

  private static final LandingParser<Customer> CUSTOMERS = LandingParser.customers();
  private static final LandingParser<AccelerometerReading> ACCELEROMETER = LandingParser.accelerometer();
  private static final LandingParser<StepTrainerReading> STEP_TRAINER = LandingParser.stepTrainer();

  private static CustomerLine customer() {
    return CustomerLine.of(EMAIL, SERIAL);
  }

  private static AccelerometerLine reading() {
    return AccelerometerLine.of(EMAIL, TIME, 1.0, -1.0, -1.0);
  }

  private static StepTrainerLine stepTrainer() {
    return StepTrainerLine.of(TIME, SERIAL, 218);
  }

  private static <T> T parsed(LandingParser<T> parser, Object line) {
    try {
      return parser.parse(line.toString());
    } catch (RejectedLineException e) {
      return fail("expected the line to parse, but it was rejected (" + e.reason() + "): " + line);
    }
  }

  private static String rejection(LandingParser<?> parser, Object line) {
    return assertThrows(RejectedLineException.class, () -> parser.parse(line.toString()), "accepted: " + line)
        .reason();
  }

  private static void assertStartsWith(String prefix, String actual) {
    assertTrue(
        actual.startsWith(prefix), () -> "expected a reason starting with <" + prefix + "> but was <" + actual + ">");
  }

  private static void assertContains(String part, String actual) {
    assertTrue(actual.contains(part), () -> "expected a reason containing <" + part + "> but was <" + actual + ">");
  }

  // ---- good lines ------------------------------------------------------------------------------

  @Test
  void parsesCustomerLineIntoTheExactRecord() {
    assertEquals(
        new Customer(
            "Santosh Clayton", EMAIL, "8015551212", "1900-01-01", SERIAL, UPDATED, UPDATED, UPDATED, UPDATED, UPDATED),
        parsed(CUSTOMERS, customer()));
  }

  @Test
  void parsesAccelerometerLineOfTheSpecIntoTheExactRecord() {
    String line = "{\"user\":\"Santosh.Clayton@test.com\",\"timestamp\":1655564444103,\"x\":1.0,\"y\":-1.0,\"z\":-1.0}";
    assertEquals(new AccelerometerReading(EMAIL, TIME, 1.0, -1.0, -1.0), parsed(ACCELEROMETER, line));
  }

  @Test
  void parsesStepTrainerLineIntoTheExactRecord() {
    assertEquals(new StepTrainerReading(TIME, SERIAL, 218), parsed(STEP_TRAINER, stepTrainer()));
  }

  @Test
  void parsesOnlyTheGivenSliceOfAByteArray() throws RejectedLineException {
    byte[] bytes = ("garbage\n" + reading() + "\n{not json").getBytes(StandardCharsets.UTF_8);
    int length = reading().json().getBytes(StandardCharsets.UTF_8).length;
    assertEquals(new AccelerometerReading(EMAIL, TIME, 1.0, -1.0, -1.0), ACCELEROMETER.parse(bytes, 8, length));
  }

  @Test
  void ignoresUnknownFieldsIncludingNestedObjectsAndArrays() {
    // The nested values repeat known field names: they belong to the unknown field, not to the record.
    String nested = "{\"user\":\"other@test.com\",\"email\":[1,{\"serialNumber\":null}],\"deep\":{\"a\":{\"b\":[[]]}}}";
    String array = "[1,\"x\",{\"timestamp\":\"abc\"},[null,true]]";
    assertEquals(
        new AccelerometerReading(EMAIL, TIME, 1.0, -1.0, -1.0),
        parsed(ACCELEROMETER, reading().raw("device", nested).raw("tags", array).set("note", "hi")));
    assertEquals(
        parsed(CUSTOMERS, customer()), parsed(CUSTOMERS, customer().raw("device", nested).raw("tags", array)));
    assertEquals(
        new StepTrainerReading(TIME, SERIAL, 218),
        parsed(STEP_TRAINER, stepTrainer().raw("device", nested).raw("tags", array).raw("flag", "false")));
  }

  @Test
  void acceptsAccelerationsGivenAsIntegersAsDoubles() {
    AccelerometerLine line = reading().raw("x", "1").raw("y", "-2").raw("z", "0");
    assertEquals(new AccelerometerReading(EMAIL, TIME, 1.0, -2.0, 0.0), parsed(ACCELEROMETER, line));
  }

  @Test
  void keepsPhoneGivenAsJsonNumberAsItsDigits() {
    assertEquals("8015551212", parsed(CUSTOMERS, customer().raw("phone", "8015551212")).phone());
  }

  @Test
  void keepsBirthDayWithThreeDigitYearAsGiven() {
    assertEquals("199-04-12", parsed(CUSTOMERS, customer().birthDay("199-04-12")).birthDay());
  }

  @Test
  void keepsCustomerNameGivenAsBooleanNumberOrObjectAsItsJsonText() {
    assertEquals("true", parsed(CUSTOMERS, customer().raw("customerName", "true")).customerName());
    assertEquals("1.50", parsed(CUSTOMERS, customer().raw("customerName", "1.50")).customerName());
    assertEquals(
        "{\"first\":\"Santosh\",\"parts\":[1,null]}",
        parsed(CUSTOMERS, customer().raw("customerName", "{ \"first\" : \"Santosh\", \"parts\" : [ 1, null ] }"))
            .customerName());
  }

  @Test
  void givesNoResearchConsentWhenShareWithResearchAsOfDateIsAbsent() {
    Customer customer = parsed(CUSTOMERS, customer().withoutResearchConsent());
    assertNull(customer.shareWithResearchAsOfDate());
    assertEquals(UPDATED, customer.shareWithPublicAsOfDate());
  }

  @Test
  void givesNoResearchConsentWhenShareWithResearchAsOfDateIsNull() {
    Customer customer = parsed(CUSTOMERS, customer().shareWithResearchAsOfDate(null));
    assertNull(customer.shareWithResearchAsOfDate());
    assertEquals(UPDATED, customer.shareWithFriendsAsOfDate());
  }

  @Test
  void acceptsEpochMillisecondsAtTheEdgesOfTheLongRange() {
    assertEquals(
        new StepTrainerReading(Long.MAX_VALUE, SERIAL, 218),
        parsed(STEP_TRAINER, stepTrainer().set("sensorReadingTime", Long.MAX_VALUE)));
    assertEquals(
        new StepTrainerReading(TIME, SERIAL, Long.MIN_VALUE),
        parsed(STEP_TRAINER, stepTrainer().set("distanceFromObject", Long.MIN_VALUE)));
  }

  // ---- lines that are not one JSON object ------------------------------------------------------

  @Test
  void quarantinesLineThatIsNotJson() {
    String reason = rejection(ACCELEROMETER, "hello");
    assertStartsWith("malformed JSON: ", reason);
    assertContains("'hello'", reason);
  }

  @Test
  void quarantinesJsonArray() {
    assertEquals("not a JSON object: the line holds an array", rejection(ACCELEROMETER, "[1,2]"));
  }

  @Test
  void quarantinesTruncatedObject() {
    String reason = rejection(ACCELEROMETER, "{\"user\":\"a@b.c\",\"timestamp\":16");
    assertStartsWith("malformed JSON in field 'timestamp': ", reason);
    assertContains("end-of-input", reason);
    assertTrue(!reason.contains("a@b.c"), "the reason does not repeat the raw line: " + reason);
  }

  @Test
  void quarantinesSecondObjectAfterTheFirst() {
    assertEquals(
        "unexpected content (an object) after the JSON object; one object per line is expected",
        rejection(STEP_TRAINER, stepTrainer() + " {\"distanceFromObject\":1}"));
  }

  @Test
  void quarantinesTrailingGarbageAfterTheObject() {
    String reason = rejection(STEP_TRAINER, stepTrainer() + "x");
    assertStartsWith("malformed JSON: ", reason);
    assertContains("'x'", reason);
  }

  @Test
  void quarantinesNaNAsMalformedJson() {
    String reason = rejection(ACCELEROMETER, reading().raw("x", "NaN"));
    assertStartsWith("malformed JSON in field 'x': ", reason);
    assertContains("'NaN'", reason);
  }

  @Test
  void quarantinesInvalidUtf8InsideAString() {
    byte[] head = "xx{\"user\":\"Santosh".getBytes(StandardCharsets.UTF_8);
    byte[] tail = "@test.com\",\"timestamp\":1,\"x\":1,\"y\":1,\"z\":1}yy".getBytes(StandardCharsets.UTF_8);
    byte[] bytes = new byte[head.length + 1 + tail.length];
    System.arraycopy(head, 0, bytes, 0, head.length);
    bytes[head.length] = (byte) 0xFF;
    System.arraycopy(tail, 0, bytes, head.length + 1, tail.length);
    String reason =
        assertThrows(RejectedLineException.class, () -> ACCELEROMETER.parse(bytes, 2, bytes.length - 4)).reason();
    assertStartsWith("malformed JSON in field 'user': ", reason);
    assertContains("Invalid UTF-8", reason);
    assertContains("0xff", reason);
  }

  /** The UTF-8 bytes of {@code head}, then {@code raw}, then the UTF-8 bytes of {@code tail}. */
  private static byte[] bytes(String head, byte[] raw, String tail) {
    byte[] h = head.getBytes(StandardCharsets.UTF_8);
    byte[] t = tail.getBytes(StandardCharsets.UTF_8);
    byte[] all = new byte[h.length + raw.length + t.length];
    System.arraycopy(h, 0, all, 0, h.length);
    System.arraycopy(raw, 0, all, h.length, raw.length);
    System.arraycopy(t, 0, all, h.length + raw.length, t.length);
    return all;
  }

  private static String rejection(LandingParser<?> parser, byte[] line) {
    return assertThrows(RejectedLineException.class, () -> parser.parse(line, 0, line.length)).reason();
  }

  @Test
  void quarantinesOverlongUtf8FormThatJacksonWouldDecode() {
    // C0 AF is an overlong form of '/': not UTF-8, though a lenient decoder reads "a/b".
    byte[] line = bytes("{\"email\":\"a", new byte[] {(byte) 0xC0, (byte) 0xAF}, "b\",\"serialNumber\":\"s\"}");
    assertEquals("not UTF-8: ill-formed byte sequence at byte 11 of the line (C0 AF 62 22)", rejection(CUSTOMERS, line));
  }

  @Test
  void quarantinesUtf8EncodedSurrogate() {
    byte[] line =
        bytes(reading().json().replace("}", ",\"note\":\""), new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, "\"}");
    assertStartsWith("not UTF-8: ill-formed byte sequence at byte ", rejection(ACCELEROMETER, line));
  }

  @Test
  void quarantinesIllFormedUtf8InAFieldThatIsIgnored() {
    byte[] line = bytes(stepTrainer().json().replace("}", ",\"note\":\""), new byte[] {(byte) 0xFF}, "\"}");
    assertContains("UTF-8", rejection(STEP_TRAINER, line));
  }

  @Test
  void quarantinesLinesInUtf16OrUtf32ThatJacksonWouldDecode() {
    String json = customer().json();
    for (String charset : List.of("UTF-16LE", "UTF-16BE", "UTF-16", "UTF-32BE", "UTF-32LE")) {
      byte[] line = json.getBytes(java.nio.charset.Charset.forName(charset));
      assertStartsWith("not UTF-8: the line starts with ", rejection(CUSTOMERS, line));
    }
    byte[] withMark = ("\uFEFF" + json).getBytes(StandardCharsets.UTF_16LE);
    assertEquals(
        "not UTF-8: the line starts with FF FE 7B 00 (a NUL byte or a UTF-16 byte-order mark: UTF-16 or UTF-32 text,"
            + " or binary data)",
        rejection(CUSTOMERS, withMark));
  }

  @Test
  void keepsWellFormedMultiByteCharactersOfEveryLength() {
    String name = "Zoë Ångström 渡辺 \uD83D\uDE00 €";
    Customer parsed = parsed(CUSTOMERS, customer().name(name).set("email", "zoë@例え.jp"));
    assertEquals(name, parsed.customerName());
    assertEquals("zoë@例え.jp", parsed.email());
  }

  @Test
  void quarantinesNestingDeeperThanTheParsersLimitWithTheLimitAsReason() {
    String deep = "[".repeat(10_000) + "]".repeat(10_000);
    String reason = rejection(ACCELEROMETER, reading().raw("extra", deep));
    assertStartsWith("JSON beyond the parser's limits: ", reason);
    assertContains("nesting depth", reason);
    assertStartsWith("JSON beyond the parser's limits: ", rejection(CUSTOMERS, customer().raw("customerName", deep)));
  }

  @Test
  void quarantinesNumberLongerThanTheParsersLimitEvenInAnIgnoredField() {
    String digits = "9".repeat(5_000);
    assertContains("Number length (5000)", rejection(STEP_TRAINER, stepTrainer().raw("distanceFromObject", digits)));
    assertContains("Number length (5000)", rejection(STEP_TRAINER, stepTrainer().raw("extra", digits)));
    assertContains("Number length", rejection(ACCELEROMETER, reading().raw("x", "1." + digits)));
  }

  @Test
  void quarantinesStringLongerThanTheParsersLimitInAFieldItKeeps() {
    String huge = "n".repeat(20_000_001);
    assertContains("String length", rejection(CUSTOMERS, customer().name(huge)));
  }

  @Test
  void keepsTenMegabyteFreeTextAndTenThousandUnknownFields() {
    String big = "n".repeat(10 << 20);
    assertEquals(big, parsed(CUSTOMERS, customer().name(big)).customerName());
    AccelerometerLine wide = reading();
    for (int i = 0; i < 10_000; i++) {
      wide.set("field" + i, i);
    }
    assertEquals(new AccelerometerReading(EMAIL, TIME, 1.0, -1.0, -1.0), parsed(ACCELEROMETER, wide));
  }

  @Test
  void quarantinesInfinityAndNegativeInfinity() {
    assertContains("'Infinity'", rejection(ACCELEROMETER, reading().raw("y", "Infinity")));
    assertContains("'-Infinity'", rejection(ACCELEROMETER, reading().raw("z", "-Infinity")));
  }

  // ---- missing, null and duplicate fields ------------------------------------------------------

  static Stream<Arguments> requiredFields() {
    return Stream.of(
        required("customer", CUSTOMERS, "email"),
        required("customer", CUSTOMERS, "serialNumber"),
        required("accelerometer", ACCELEROMETER, "user"),
        required("accelerometer", ACCELEROMETER, "timestamp"),
        required("accelerometer", ACCELEROMETER, "x"),
        required("accelerometer", ACCELEROMETER, "y"),
        required("accelerometer", ACCELEROMETER, "z"),
        required("step_trainer", STEP_TRAINER, "sensorReadingTime"),
        required("step_trainer", STEP_TRAINER, "serialNumber"),
        required("step_trainer", STEP_TRAINER, "distanceFromObject"));
  }

  private static Arguments required(String source, LandingParser<?> parser, String field) {
    return Arguments.of(Named.of(source, parser), field);
  }

  /** A good line of the parser's source with {@code field} left out, or set to JSON null. */
  private static String lineWith(LandingParser<?> parser, String field, boolean asNull) {
    switch (parser.source()) {
      case CUSTOMER:
        return (asNull ? customer().set(field, null) : customer().without(field)).json();
      case ACCELEROMETER:
        return (asNull ? reading().set(field, null) : reading().without(field)).json();
      default:
        return (asNull ? stepTrainer().set(field, null) : stepTrainer().without(field)).json();
    }
  }

  @ParameterizedTest(name = "{0} line without {1}")
  @MethodSource("requiredFields")
  void quarantinesLineMissingARequiredField(LandingParser<?> parser, String field) {
    assertEquals("required field '" + field + "' is missing", rejection(parser, lineWith(parser, field, false)));
  }

  @ParameterizedTest(name = "{0} line with {1}: null")
  @MethodSource("requiredFields")
  void quarantinesRequiredFieldGivenAsNull(LandingParser<?> parser, String field) {
    assertEquals("required field '" + field + "' is null", rejection(parser, lineWith(parser, field, true)));
  }

  @Test
  void quarantinesKnownFieldGivenTwiceInOneObject() {
    String line = reading().json().replaceFirst("^\\{", "{\"timestamp\":1655564444104,");
    assertEquals("field 'timestamp' appears more than once", rejection(ACCELEROMETER, line));
  }

  @Test
  void quarantinesKnownFieldGivenTwiceEvenWhenTheFirstIsNull() {
    String line = customer().json().replaceFirst("^\\{", "{\"shareWithResearchAsOfDate\":null,");
    assertEquals("field 'shareWithResearchAsOfDate' appears more than once", rejection(CUSTOMERS, line));
  }

  // ---- wrong types and out-of-range values -----------------------------------------------------

  @Test
  void quarantinesTimestampGivenAsString() {
    assertEquals(
        "field 'timestamp' must be an integer, found a string (abc)",
        rejection(ACCELEROMETER, reading().set("timestamp", "abc")));
  }

  @Test
  void quarantinesTimestampGivenAsDecimal() {
    assertEquals(
        "field 'timestamp' must be an integer, found a decimal number (1.5)",
        rejection(ACCELEROMETER, reading().raw("timestamp", "1.5")));
  }

  @Test
  void quarantinesDistanceFromObjectGivenAsDecimal() {
    assertEquals(
        "field 'distanceFromObject' must be an integer, found a decimal number (1.5)",
        rejection(STEP_TRAINER, stepTrainer().raw("distanceFromObject", "1.5")));
  }

  @Test
  void quarantinesDistanceFromObjectGivenAsString() {
    assertEquals(
        "field 'distanceFromObject' must be an integer, found a string (123)",
        rejection(STEP_TRAINER, stepTrainer().set("distanceFromObject", "123")));
  }

  @Test
  void quarantinesAccelerationGivenAsString() {
    assertEquals(
        "field 'x' must be a number, found a string (1.0)", rejection(ACCELEROMETER, reading().set("x", "1.0")));
  }

  @Test
  void quarantinesEmailGivenAsNumber() {
    assertEquals(
        "field 'email' must be a string, found an integer (42)", rejection(CUSTOMERS, customer().raw("email", "42")));
  }

  @Test
  void quarantinesSerialNumberGivenAsBoolean() {
    assertEquals(
        "field 'serialNumber' must be a string, found a boolean (true)",
        rejection(STEP_TRAINER, stepTrainer().raw("serialNumber", "true")));
    assertEquals(
        "field 'serialNumber' must be a string, found a boolean (true)",
        rejection(CUSTOMERS, customer().raw("serialNumber", "true")));
  }

  @Test
  void quarantinesUserGivenAsObject() {
    assertEquals(
        "field 'user' must be a string, found an object",
        rejection(ACCELEROMETER, reading().raw("user", "{\"email\":\"a@b.c\"}")));
  }

  @Test
  void quarantinesRegistrationDateGivenAsDateString() {
    assertEquals(
        "field 'registrationDate' must be an integer, found a string (2022-01-01)",
        rejection(CUSTOMERS, customer().set("registrationDate", "2022-01-01")));
  }

  @Test
  void quarantinesEpochMillisecondsBeyondTheLongRange() {
    assertEquals(
        "field 'sensorReadingTime' is an integer beyond the 64-bit range: 9223372036854775808",
        rejection(STEP_TRAINER, stepTrainer().raw("sensorReadingTime", "9223372036854775808")));
    assertEquals(
        "field 'lastUpdateDate' is an integer beyond the 64-bit range: -9223372036854775809",
        rejection(CUSTOMERS, customer().raw("lastUpdateDate", "-9223372036854775809")));
  }

  @Test
  void quarantinesAccelerationBeyondTheRangeOfADouble() {
    assertEquals(
        "field 'y' is beyond the range of a double: 1e400", rejection(ACCELEROMETER, reading().raw("y", "1e400")));
    assertEquals(
        "field 'z' is beyond the range of a double: -1e400", rejection(ACCELEROMETER, reading().raw("z", "-1e400")));
  }

  @Test
  void quarantinesBlankEmail() {
    assertEquals("field 'email' is blank", rejection(CUSTOMERS, customer().set("email", "   ")));
  }

  @Test
  void quarantinesBlankUser() {
    assertEquals("field 'user' is blank", rejection(ACCELEROMETER, reading().set("user", "")));
  }
}
