int nofeature;
