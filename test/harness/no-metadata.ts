// Nothing in tests may probe the GCE metadata server or touch a real project.
process.env.METADATA_SERVER_DETECTION = 'none';
process.env.GOOGLE_CLOUD_PROJECT ??= 'demo-qrl-rebalancer';
