"""The conversion core: CSV uploads to typed, snappy Parquet on Spark, with no AWS or Glue import.

The Glue job and `npm run local` are thin shells over it; each supplies the ports in `ports.py`.
"""
