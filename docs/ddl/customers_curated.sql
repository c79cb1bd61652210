-- customers_curated: generated from the table definition; do not edit by hand.
CREATE EXTERNAL TABLE IF NOT EXISTS `stedi`.`customers_curated` (
  `customerName` string,
  `email` string,
  `phone` string,
  `birthDay` string,
  `serialNumber` string,
  `registrationDate` bigint,
  `lastUpdateDate` bigint,
  `shareWithResearchAsOfDate` bigint,
  `shareWithPublicAsOfDate` bigint,
  `shareWithFriendsAsOfDate` bigint
)
STORED AS PARQUET
LOCATION 's3://your-bucket/stedi/customer/curated/'
TBLPROPERTIES (
  'classification' = 'parquet',
  'parquet.compression' = 'SNAPPY'
);
