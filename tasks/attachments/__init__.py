"""Files on records (佐证材料): what a file is by its content, size limits, private storage, download.

- files.py: check an upload (type by content, per-file and per-record limits) before anything is stored;
- storage.py: the private storage the files live in (GOVTASKS_ATTACHMENT_DIR), never a public URL;
- services.py: attach checked files to a report, an extension or a 办结 request;
- views.py: the download, with the same access as the record the file is on.
"""
