// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/// @title KeelVault — an M-of-N multisig treasury.
/// @notice Any call (token transfers, approvals to a yield schedule, funding a
/// distribution) runs once `threshold` distinct signers signed its EIP-712 `Execute`
/// message (bound to this vault, the chain id, a nonce and a deadline). Signers may be
/// EOAs or contracts (ERC-1271, e.g. another vault). The vault itself answers ERC-1271
/// for a hash its signers approved, so it can sign for protocols. It carries its own
/// on-chain identity (`onchainID`) so a Keel asset's identity registry can verify it.
/// Signer, threshold and identity changes are calls the vault makes to itself.
contract KeelVault is EIP712, IERC1271, ReentrancyGuard {
    struct Signature {
        address signer;
        bytes signature;
    }

    bytes32 public constant EXECUTE_TYPEHASH =
        keccak256("Execute(address to,uint256 value,bytes data,uint256 nonce,uint256 deadline)");
    bytes32 public constant MESSAGE_TYPEHASH = keccak256("VaultMessage(bytes32 hash)");
    uint256 public constant MAX_SIGNERS = 32;

    error InvalidThreshold(uint256 threshold, uint256 signers);
    error InvalidSigner(address signer);
    error DuplicateSigner(address signer);
    error NotEnoughSignatures(uint256 given, uint256 threshold);
    error SignersNotAscending(uint256 position);
    error NotASigner(address account);
    error BadSignature(address signer);
    error Expired(uint256 deadline);
    error OnlyVault();
    error CallFailed(bytes returnData);

    event Executed(uint256 indexed nonce, address indexed to, uint256 value, bytes data);
    event SignerAdded(address indexed signer);
    event SignerRemoved(address indexed signer);
    event ThresholdChanged(uint256 threshold);
    event OnchainIDChanged(address indexed onchainID);
    event Received(address indexed from, uint256 amount);

    address[] private _signers;
    mapping(address account => bool) public isSigner;
    uint256 public threshold;
    uint256 public nonce;
    address public onchainID;

    modifier onlyVault() {
        if (msg.sender != address(this)) revert OnlyVault();
        _;
    }

    constructor(address[] memory signers_, uint256 threshold_, address onchainID_) EIP712("KeelVault", "1") {
        uint256 n = signers_.length;
        if (n > MAX_SIGNERS) revert InvalidThreshold(threshold_, n);
        for (uint256 i = 0; i < n; ++i) _addSigner(signers_[i]);
        _setThreshold(threshold_);
        onchainID = onchainID_;
        emit OnchainIDChanged(onchainID_);
    }

    receive() external payable {
        emit Received(msg.sender, msg.value);
    }

    // ---------------------------------------------------------------- execution

    function executeDigest(address to, uint256 value, bytes calldata data, uint256 nonce_, uint256 deadline)
        public
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(keccak256(abi.encode(EXECUTE_TYPEHASH, to, value, keccak256(data), nonce_, deadline)));
    }

    /// @notice Runs the call signed by at least `threshold` signers (ascending signer order).
    function execute(address to, uint256 value, bytes calldata data, uint256 deadline, Signature[] calldata signatures)
        external
        nonReentrant
        returns (bytes memory result)
    {
        if (block.timestamp > deadline) revert Expired(deadline);
        uint256 current = nonce;
        _checkSignatures(executeDigest(to, value, data, current, deadline), signatures);
        nonce = current + 1;
        emit Executed(current, to, value, data);
        bool ok;
        (ok, result) = to.call{value: value}(data);
        if (!ok) revert CallFailed(result);
    }

    // ---------------------------------------------------------------- ERC-1271

    /// @notice The typed-data digest signers sign to approve `hash` on the vault's behalf.
    function messageDigest(bytes32 hash) public view returns (bytes32) {
        return _hashTypedDataV4(keccak256(abi.encode(MESSAGE_TYPEHASH, hash)));
    }

    /// @param signature `abi.encode(Signature[])` over `messageDigest(hash)`.
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        Signature[] memory sigs = abi.decode(signature, (Signature[]));
        if (!_validSignatures(messageDigest(hash), sigs)) return 0xffffffff;
        return IERC1271.isValidSignature.selector;
    }

    // ---------------------------------------------------------------- governance (self-calls)

    function addSigner(address signer) external onlyVault {
        if (_signers.length >= MAX_SIGNERS) revert InvalidThreshold(threshold, _signers.length + 1);
        _addSigner(signer);
    }

    function removeSigner(address signer) external onlyVault {
        if (!isSigner[signer]) revert NotASigner(signer);
        isSigner[signer] = false;
        uint256 n = _signers.length;
        for (uint256 i = 0; i < n; ++i) {
            if (_signers[i] == signer) {
                _signers[i] = _signers[n - 1];
                _signers.pop();
                break;
            }
        }
        if (threshold > _signers.length) revert InvalidThreshold(threshold, _signers.length);
        emit SignerRemoved(signer);
    }

    function changeThreshold(uint256 threshold_) external onlyVault {
        _setThreshold(threshold_);
    }

    function setOnchainID(address onchainID_) external onlyVault {
        onchainID = onchainID_;
        emit OnchainIDChanged(onchainID_);
    }

    function signers() external view returns (address[] memory) {
        return _signers;
    }

    // ---------------------------------------------------------------- internals

    function _checkSignatures(bytes32 digest, Signature[] calldata sigs) private view {
        uint256 n = sigs.length;
        if (n < threshold) revert NotEnoughSignatures(n, threshold);
        address last;
        for (uint256 i = 0; i < n; ++i) {
            address signer = sigs[i].signer;
            if (signer <= last) revert SignersNotAscending(i);
            if (!isSigner[signer]) revert NotASigner(signer);
            if (!SignatureChecker.isValidSignatureNow(signer, digest, sigs[i].signature)) revert BadSignature(signer);
            last = signer;
        }
    }

    function _validSignatures(bytes32 digest, Signature[] memory sigs) private view returns (bool) {
        uint256 n = sigs.length;
        if (n < threshold) return false;
        address last;
        for (uint256 i = 0; i < n; ++i) {
            address signer = sigs[i].signer;
            if (signer <= last || !isSigner[signer]) return false;
            if (!SignatureChecker.isValidSignatureNow(signer, digest, sigs[i].signature)) return false;
            last = signer;
        }
        return true;
    }

    function _addSigner(address signer) private {
        if (signer == address(0) || signer == address(this)) revert InvalidSigner(signer);
        if (isSigner[signer]) revert DuplicateSigner(signer);
        isSigner[signer] = true;
        _signers.push(signer);
        emit SignerAdded(signer);
    }

    function _setThreshold(uint256 threshold_) private {
        if (threshold_ == 0 || threshold_ > _signers.length) revert InvalidThreshold(threshold_, _signers.length);
        threshold = threshold_;
        emit ThresholdChanged(threshold_);
    }
}
