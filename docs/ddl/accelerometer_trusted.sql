-- accelerometer_trusted: generated from the table definition; do not edit by hand.
CREATE EXTERNAL TABLE IF NOT EXISTS `stedi`.`accelerometer_trusted` (
  `user` string,
  `timestamp` bigint,
  `x` double,
  `y` double,
  `z` double
)
PARTITIONED BY (`dt` string)
STORED AS PARQUET
LOCATION 's3://your-bucket/stedi/accelerometer/trusted/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'parquet.compression' = 'SNAPPY',
  'projection.enabled' = 'true',
  'projection.dt.type' = 'date',
  'projection.dt.format' = 'yyyy-MM-dd',
  'projection.dt.range' = '2015-01-01,NOW',
  'projection.dt.interval' = '1',
  'projection.dt.interval.unit' = 'DAYS',
  'storage.location.template' = 's3://your-bucket/stedi/accelerometer/trusted/dt=${dt}/'
);
