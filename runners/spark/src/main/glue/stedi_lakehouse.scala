// The script of the AWS Glue job (its ScriptLocation): a glueetl job must have one. The job runs the
// Java entry point that its --class names, org.stedi.lakehouse.runners.spark.GlueJob, from the Spark
// job jar in --extra-jars; this object does the same, for a job whose --class names it instead.
object StediLakehouse {
  def main(sysArgs: Array[String]): Unit = org.stedi.lakehouse.runners.spark.GlueJob.main(sysArgs)
}
