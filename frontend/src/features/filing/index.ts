export { discardUpload, fileTicket, type NewTicketBody, type TicketDetail, uploadBeforeFiling, type Uploaded } from "./api";
export { useFileTicket, withUploads } from "./useFileTicket";
export { type UploadItem, type Uploads, useUploads } from "./useUploads";
