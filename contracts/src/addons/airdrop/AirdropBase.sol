// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.24;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {AssetCompliance} from "../common/AssetCompliance.sol";

/// @title AirdropBase — Merkle distribution of an asset held by this contract.
/// @notice A leaf binds (index, account, amount) as
/// `keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))))`, the
/// leaf encoding of OpenZeppelin's StandardMerkleTree for ["uint256","address","uint256"]
/// (libs/airdrop-merkle builds the tree). Two claim trackers:
/// - Bitmap: all or nothing per index (one bit per leaf, cheapest);
/// - Amount: partial claims, the claimed amount per index.
/// Every payout goes through the asset's standard transfer path and is pre-checked
/// against its compliance first. After `endTime` the owner withdraws what is unclaimed
/// (minus what is still owed, e.g. initialized vesting).
abstract contract AirdropBase is Ownable, ReentrancyGuard {
    using SafeERC20 for IERC20;

    enum Tracker {
        Bitmap,
        Amount
    }

    error InvalidProof(uint256 index, address account, uint256 amount);
    error AlreadyClaimed(uint256 index);
    error ClaimExceedsAllocation(uint256 index, uint256 requested, uint256 remaining);
    error PartialClaimNotSupported(uint256 index);
    error ZeroAmount();
    error NotEnded(uint256 endTime);
    error NothingToWithdraw();
    error InvalidConfig();

    event Claimed(uint256 indexed index, address indexed account, uint256 amount, uint256 claimedTotal);
    event UnclaimedWithdrawn(address indexed to, uint256 amount);

    IERC20 public immutable token;
    bytes32 public immutable merkleRoot;
    Tracker public immutable tracker;
    uint256 public immutable endTime;

    uint256 public totalClaimed;
    mapping(uint256 word => uint256) private _claimedBitmap;
    mapping(uint256 index => uint256) private _claimedAmount;

    constructor(address token_, bytes32 root_, Tracker tracker_, uint256 endTime_, address owner_) Ownable(owner_) {
        if (token_ == address(0) || root_ == bytes32(0)) revert InvalidConfig();
        token = IERC20(token_);
        merkleRoot = root_;
        tracker = tracker_;
        endTime = endTime_;
    }

    function leaf(uint256 index, address account, uint256 amount) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(index, account, amount))));
    }

    function verify(uint256 index, address account, uint256 amount, bytes32[] calldata proof)
        public
        view
        returns (bool)
    {
        return MerkleProof.verifyCalldata(proof, merkleRoot, leaf(index, account, amount));
    }

    function isClaimed(uint256 index) public view returns (bool) {
        return _claimedBitmap[index >> 8] & (1 << (index & 0xff)) != 0;
    }

    function claimedAmount(uint256 index) public view returns (uint256) {
        return _claimedAmount[index];
    }

    /// @notice After the end, the owner takes back what nobody can claim any more.
    function withdrawUnclaimed(address to) external onlyOwner nonReentrant {
        if (block.timestamp <= endTime) revert NotEnded(endTime);
        uint256 balance = token.balanceOf(address(this));
        uint256 owed = _stillOwed();
        uint256 amount = balance > owed ? balance - owed : 0;
        if (amount == 0) revert NothingToWithdraw();
        emit UnclaimedWithdrawn(to, amount);
        token.safeTransfer(to, amount);
    }

    /// @dev Amount that remains claimable after the end (vesting already initialized).
    function _stillOwed() internal view virtual returns (uint256) {
        return 0;
    }

    /// @dev Records a claim of `amount` out of the `allocation` of leaf `index`
    /// (proof checked by the caller) and pays it to `account`.
    function _record(uint256 index, address account, uint256 allocation, uint256 amount) internal {
        if (amount == 0) revert ZeroAmount();
        uint256 claimedTotal;
        if (tracker == Tracker.Bitmap) {
            if (amount != allocation) revert PartialClaimNotSupported(index);
            uint256 bit = 1 << (index & 0xff);
            uint256 word = _claimedBitmap[index >> 8];
            if (word & bit != 0) revert AlreadyClaimed(index);
            _claimedBitmap[index >> 8] = word | bit;
            claimedTotal = amount;
        } else {
            uint256 already = _claimedAmount[index];
            if (already >= allocation) revert AlreadyClaimed(index);
            if (amount > allocation - already) revert ClaimExceedsAllocation(index, amount, allocation - already);
            claimedTotal = already + amount;
            _claimedAmount[index] = claimedTotal;
        }
        totalClaimed += amount;
        emit Claimed(index, account, amount, claimedTotal);
    }

    /// @dev Pre-checks the asset's rules, then pays through its standard transfer path.
    function _pay(address account, uint256 amount) internal {
        AssetCompliance.requireAllowed(address(token), address(this), account, amount);
        token.safeTransfer(account, amount);
    }

    /// @dev Pays without the pre-check (the caller already checked).
    function _send(address account, uint256 amount) internal {
        token.safeTransfer(account, amount);
    }

    function _requireProof(uint256 index, address account, uint256 allocation, bytes32[] calldata proof)
        internal
        view
    {
        if (!verify(index, account, allocation, proof)) revert InvalidProof(index, account, allocation);
    }

    /// @dev What is left to claim on leaf `index` out of `allocation`.
    function _remaining(uint256 index, uint256 allocation) internal view returns (uint256) {
        if (tracker == Tracker.Bitmap) return isClaimed(index) ? 0 : allocation;
        uint256 already = _claimedAmount[index];
        return already >= allocation ? 0 : allocation - already;
    }
}
