terraform {
  required_version = ">= 1.5.0"

  required_providers {
    google = {
      source = "hashicorp/google"
      # 7.21.0 adds direct_vpc_network_interface / direct_vpc_egress to google_cloudfunctions2_function.
      version = ">= 7.21.0, < 8.0.0"
    }
  }
}

provider "google" {
  project = var.project_id
  region  = var.region
}
