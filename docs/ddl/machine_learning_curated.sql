-- machine_learning_curated: generated from the table definition; do not edit by hand.
CREATE EXTERNAL TABLE IF NOT EXISTS `stedi`.`machine_learning_curated` (
  `sensorReadingTime` bigint,
  `serialNumber` string,
  `distanceFromObject` bigint,
  `x` double,
  `y` double,
  `z` double
)
PARTITIONED BY (`dt` string)
STORED AS PARQUET
LOCATION 's3://your-bucket/stedi/step_trainer/curated/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'parquet.compression' = 'SNAPPY',
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2015-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://your-bucket/stedi/step_trainer/curated/dt=${dt}/'
);
