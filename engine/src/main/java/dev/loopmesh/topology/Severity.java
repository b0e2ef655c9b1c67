package dev.loopmesh.topology;

public enum Severity { ERROR, WARNING, INFO }
