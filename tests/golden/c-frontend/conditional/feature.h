int feature;
