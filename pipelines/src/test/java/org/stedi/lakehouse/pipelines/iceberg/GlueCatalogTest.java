package org.stedi.lakehouse.pipelines.iceberg;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.stedi.lakehouse.pipelines.run.Lake;
import org.stedi.lakehouse.pipelines.run.LakeException;

/**
 * {@code --catalog=glue} with the AWS SDK that Beam's S3 file system brings: Iceberg's GlueCatalog
 * loads and initializes on this classpath, and a Glue API it cannot reach (no AWS account here) is
 * one clear error when the catalog opens, before any pipeline runs. No Glue API server can run in a
 * test, so the catalog's calls themselves are not exercised.
 */
class GlueCatalogTest {
  private String accessKey;
  private String secretKey;

  @BeforeEach
  void staticCredentialsSoTheSdkAsksNoMetadataService() {
    accessKey = System.setProperty("aws.accessKeyId", "AKIAIOSFODNN7EXAMPLE");
    secretKey = System.setProperty("aws.secretAccessKey", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");
  }

  @AfterEach
  void restoreCredentials() {
    restore("aws.accessKeyId", accessKey);
    restore("aws.secretAccessKey", secretKey);
  }

  private static void restore(String name, String value) {
    if (value == null) {
      System.clearProperty(name);
    } else {
      System.setProperty(name, value);
    }
  }

  @Test
  void aGlueCatalogThatCannotBeReachedFailsWhenItOpensWithOneMessage() {
    LakeException failure =
        assertThrows(LakeException.class, () -> IcebergTables.open(Lake.of("s3://stedi-test-bucket/lake"), "glue", "us-east-1"));

    assertTrue(failure.getMessage().startsWith("cannot open the Iceberg catalog glue: "), failure.getMessage());
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      assertFalse(cause instanceof LinkageError, "the Glue client does not link with this classpath: " + cause);
    }
  }
}
