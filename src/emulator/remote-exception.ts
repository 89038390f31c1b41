// YARN's REST error body. The RM's GenericExceptionHandler maps a Java exception to a status and
// {"RemoteException":{exception, message, javaClassName}}. Jersey-1 exceptions built from a String
// (NotFoundException, BadRequestException) wrap it in a java.lang.Exception, which is why their
// message reads "java.lang.Exception: …" on a real RM.

export interface RemoteExceptionBody {
  RemoteException: { exception: string; message: string; javaClassName: string };
}

export interface RestError {
  status: number;
  body: RemoteExceptionBody;
}

function remote(status: number, javaClassName: string, message: string): RestError {
  const exception = javaClassName.slice(javaClassName.lastIndexOf('.') + 1);
  return { status, body: { RemoteException: { exception, message, javaClassName } } };
}

export const restErrors = {
  /** A write without ?user.name= (security off: the pseudo auth filter lets it through anonymous). */
  notAuthenticated: (): RestError =>
    remote(401, 'org.apache.hadoop.security.authorize.AuthorizationException',
      'Unable to obtain user name, user not authenticated'),
  notFound: (message: string): RestError =>
    remote(404, 'org.apache.hadoop.yarn.webapp.NotFoundException', `java.lang.Exception: ${message}`),
  badRequest: (message: string): RestError =>
    remote(400, 'org.apache.hadoop.yarn.webapp.BadRequestException', `java.lang.Exception: ${message}`),
  /** BadRequestException(Throwable): the message is the cause's toString(). */
  badRequestFrom: (causeClass: string, message: string): RestError =>
    remote(400, 'org.apache.hadoop.yarn.webapp.BadRequestException', `${causeClass}: ${message}`),
  /** Thrown straight out of a record setter (e.g. tag checks): mapped to 400 as is. */
  illegalArgument: (message: string): RestError =>
    remote(400, 'java.lang.IllegalArgumentException', message),
  /** A body Jersey could not unmarshal. */
  unparsableBody: (message: string): RestError =>
    remote(400, 'javax.ws.rs.WebApplicationException', `javax.xml.bind.UnmarshalException: ${message}`),
} as const;

/** Thrown inside route handlers; the error handler turns it into the response. */
export class RestErrorResponse extends Error {
  constructor(readonly restError: RestError) {
    super(restError.body.RemoteException.message);
    this.name = 'RestErrorResponse';
  }
}
