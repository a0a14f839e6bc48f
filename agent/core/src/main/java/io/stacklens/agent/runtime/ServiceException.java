package io.stacklens.agent.runtime;

/** The service could not be built or started; the message names the component and the cause. */
public final class ServiceException extends Exception {
  private static final long serialVersionUID = 1L;

  public ServiceException(String message, Throwable cause) {
    super(message, cause);
  }
}
