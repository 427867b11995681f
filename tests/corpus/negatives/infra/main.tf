terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 5.40"
    }
  }
}

variable "db_password" {
  type      = string
  sensitive = true
}

data "aws_secretsmanager_secret_version" "api_token" {
  secret_id = "prod/api-token"
}

resource "aws_db_instance" "app" {
  identifier                  = "app"
  engine                      = "postgres"
  instance_class              = "db.t4g.medium"
  username                    = "app"
  manage_master_user_password = true
  iam_database_authentication_enabled = true
}

locals {
  api_token = data.aws_secretsmanager_secret_version.api_token.secret_string
  password  = var.db_password
}
